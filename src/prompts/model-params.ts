/** Request parameters of a rendered definition: the catalog's, overridden by the definition's. */
import type { ModelParams } from "../core/types.js";
import type { PromptDefinition } from "./definition-schema.js";

/**
 * `model.params` keys that configure the gateway's own client, not the request: dropped.
 * `model` names the provider model (evalgate's catalog decides it), `max_retries` is the
 * gateway client's (evalgate's runner is the one retry layer), `extra_headers` are HTTP headers.
 */
export const GATEWAY_INTERNAL_PARAMS: ReadonlySet<string> = new Set([
  "model",
  "max_retries",
  "extra_headers",
]);

/**
 * Catalog params, overridden by the definition's `model.params` (minus gateway-internal keys;
 * a `null` unsets a catalog value), then `params.stop` / `params.timeout`.
 */
export function mergeModelParams(
  definition: PromptDefinition,
  modelParams: ModelParams = {},
): ModelParams {
  const merged: ModelParams = { ...modelParams };
  for (const [key, value] of Object.entries(definition.model?.params ?? {})) {
    if (GATEWAY_INTERNAL_PARAMS.has(key) || value === undefined) continue;
    if (value === null) {
      delete merged[key];
      continue;
    }
    merged[key] = value;
  }
  const { stop, timeout } = definition.params ?? {};
  if (stop != null) merged.stop = [...stop];
  if (timeout != null) merged.timeout = timeout;
  return merged;
}

/**
 * The AI gateway's own Jinja filters. They are not Jinja2 built-ins: the gateway registers them
 * on its environment, and the prompt registry passes them in through `filters`.
 */
import type { Filter } from "./environment.js";
import { jsonLoads } from "./python-json.js";
import { pySplit } from "./python-methods.js";
import { typeName, Undefined } from "./python-values.js";
import { TemplateRenderError } from "./template-errors.js";

function isKwargs(value: unknown): value is Record<string, unknown> & { __kwargs: true } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { __kwargs?: unknown }).__kwargs === true
  );
}

/** `value|split(sep)` is Python's `value.split(sep)`; without a separator, `value.split()`. */
const split: Filter = (value, ...rest) => {
  const kwargs = isKwargs(rest[rest.length - 1]) ? (rest.pop() as Record<string, unknown>) : {};
  if (value instanceof Undefined) value.fail();
  if (typeof value !== "string") {
    throw new TemplateRenderError(
      `'${typeName(value)}' object has no attribute 'split'`,
      "AttributeError",
    );
  }
  const sep = rest[0] ?? kwargs.sep ?? null;
  const maxsplit = rest[1] ?? kwargs.maxsplit ?? -1;
  return pySplit(value, sep, maxsplit);
};

/** `value|parse_json` is Python's `json.loads(value)`: objects keep their key order. */
const parseJson: Filter = (value) => jsonLoads(value);

export const gatewayFilters: Record<string, Filter> = {
  split,
  parse_json: parseJson,
};

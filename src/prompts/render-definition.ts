/**
 * Rendering a resolved definition into chat messages and request parameters, exactly as the
 * gateway would send them: Jinja2 templates per role, includes relative to the definitions
 * root, the gateway's own filters.
 */
import { readFileSync, realpathSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { LoadedYaml } from "../config/index.js";
import { type SourcePosition, UserError } from "../core/errors.js";
import type { ChatMessage, ModelParams, RenderedPrompt } from "../core/types.js";
import { PROMPT_ROLES, type PromptDefinition, type PromptRole } from "./definition-schema.js";
import {
  gatewayFilters,
  JinjaEnvironment,
  TemplateRenderError,
  TemplateSyntaxError,
  UndefinedVariableError,
} from "./jinja/index.js";
import type { ResolvedDefinition } from "./prompt-registry.js";

/**
 * `model.params` keys that configure the gateway's own client, not the request: dropped.
 * `max_retries` too, because evalgate's runner is the one retry layer.
 */
export const GATEWAY_INTERNAL_PARAMS: ReadonlySet<string> = new Set([
  "model_class_provider",
  "custom_llm_provider",
  "max_retries",
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
    merged[key] = key === "stop" && typeof value === "string" ? [value] : value;
  }
  if (definition.params?.stop !== undefined) merged.stop = [...definition.params.stop];
  if (definition.params?.timeout !== undefined) merged.timeout = definition.params.timeout;
  return merged;
}

/**
 * Why an include name is refused, or undefined when it is fine. Mirrors Jinja2's
 * FileSystemLoader, which rejects any `..` segment, so a definition that renders here also
 * renders in the gateway and nothing outside the definitions root can be read.
 */
export function refuseIncludeName(name: string): string | undefined {
  if (name === "") return "the include name is empty";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "it is an absolute path";
  if (name.includes("\\")) return "it contains a backslash";
  if (name.split("/").includes("..")) return 'it contains ".." (escaping the definitions root)';
  return undefined;
}

interface Refusal {
  name: string;
  why: string;
}

function createIncludeLoader(root: string, onRefused: (refusal: Refusal) => void) {
  const realRoot = realpathSync(root);
  const cache = new Map<string, string | undefined>();
  return (name: string): string | undefined => {
    const why = refuseIncludeName(name);
    if (why !== undefined) {
      onRefused({ name, why });
      throw new Error(`include "${name}" refused: ${why}`);
    }
    if (cache.has(name)) return cache.get(name);
    let source: string | undefined;
    try {
      const real = realpathSync(join(root, ...name.split("/")));
      const rel = relative(realRoot, real);
      if (rel.startsWith(`..${sep}`) || rel === "..") {
        const refusal = { name, why: "it is a symbolic link leading outside the definitions root" };
        onRefused(refusal);
        throw new Error(`include "${name}" refused: ${refusal.why}`);
      }
      source = readFileSync(real, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === undefined) throw err;
      source = undefined;
    }
    cache.set(name, source);
    return source;
  };
}

function inputsList(inputs: Record<string, unknown>): string {
  const keys = Object.keys(inputs);
  return keys.length === 0 ? "none" : keys.join(", ");
}

/**
 * Where line `templateLine` of a role's template sits in the YAML file, given the position of
 * the role's value: a block scalar (`|`, `>`) starts on the next line, a plain or quoted one
 * on the same line. Only read on the error path, so the extra file read costs nothing.
 */
function lineInFile(value: SourcePosition, templateLine: number): SourcePosition {
  if (value.line === undefined || value.column === undefined) return value;
  let indicator: string | undefined;
  try {
    indicator = readFileSync(value.file, "utf8").split("\n")[value.line - 1]?.[value.column - 1];
  } catch {
    return value;
  }
  const block = indicator === "|" || indicator === ">";
  return { file: value.file, line: value.line + templateLine - (block ? 0 : 1) };
}

export type DefinitionRenderer = (
  resolved: ResolvedDefinition,
  inputs: Record<string, unknown>,
  modelParams?: ModelParams,
) => RenderedPrompt;

/**
 * A renderer over one definitions root. `sourceOf` returns the parsed YAML of a resolved
 * definition (for error positions), when the registry has it.
 */
export function createDefinitionRenderer(
  root: string,
  sourceOf: (resolved: ResolvedDefinition) => LoadedYaml<PromptDefinition> | undefined,
): DefinitionRenderer {
  let refusal: Refusal | undefined;
  let environment: JinjaEnvironment | undefined;
  // Built on first render: a registry used only to list or resolve never touches the engine.
  const env = () => {
    environment ??= new JinjaEnvironment({
      loader: createIncludeLoader(root, (r) => {
        refusal = r;
      }),
      filters: gatewayFilters,
    });
    return environment;
  };

  function failure(
    err: unknown,
    resolved: ResolvedDefinition,
    role: PromptRole,
    templateName: string,
    inputs: Record<string, unknown>,
  ): unknown {
    const where: SourcePosition = sourceOf(resolved)?.positionOf(["prompt_template", role]) ?? {
      file: join(root, resolved.file),
    };
    const field = `prompt_template.${role}`;
    if (refusal !== undefined) {
      return new UserError(
        `${field}: refusing to include "${refusal.name}": ${refusal.why}. Include paths are relative to the definitions root (${root}).`,
        where,
      );
    }
    if (!(err instanceof TemplateRenderError) && !(err instanceof TemplateSyntaxError)) return err;
    const inOwnTemplate = err.templateName === undefined || err.templateName === templateName;
    const inInclude = inOwnTemplate ? "" : ` in included template "${err.templateName}"`;
    const line = err.line !== undefined ? ` (template line ${err.line}${inInclude})` : inInclude;
    const at = inOwnTemplate && err.line !== undefined ? lineInFile(where, err.line) : where;
    if (err instanceof UndefinedVariableError) {
      return new UserError(
        `${field}: variable "${err.variable}" is undefined${line}. The dataset's inputs lack it: add "${err.variable}" to each example's inputs (given: ${inputsList(inputs)}).`,
        at,
      );
    }
    const kind = err instanceof TemplateSyntaxError ? "template syntax error" : "cannot render";
    return new UserError(`${field}: ${kind}${line}: ${err.detail}`, at);
  }

  return (resolved, inputs, modelParams) => {
    const messages: ChatMessage[] = [];
    for (const role of PROMPT_ROLES) {
      const source = resolved.definition.prompt_template[role];
      if (source === undefined) continue;
      const templateName = `${resolved.file}#prompt_template.${role}`;
      refusal = undefined;
      let content: string;
      try {
        content = env().renderString(source, inputs, templateName);
      } catch (err) {
        throw failure(err, resolved, role, templateName, inputs);
      }
      // An empty assistant turn is a template with no prefill; providers reject a blank
      // trailing assistant message, so it is dropped. Empty system/user turns are kept, as sent.
      if (role === "assistant" && content.trim() === "") continue;
      messages.push({ role, content });
    }
    return {
      promptId: resolved.promptId,
      family: resolved.family,
      version: resolved.version,
      file: resolved.file,
      messages,
      params: mergeModelParams(resolved.definition, modelParams),
    };
  };
}

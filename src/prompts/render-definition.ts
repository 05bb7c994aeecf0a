/**
 * Rendering a resolved definition into the chat messages and request parameters the gateway
 * would send: messages built as `prompt_template_to_messages` builds them (message-plan.ts),
 * inputs checked as LangChain checks them (required-inputs.ts), then each message template
 * rendered by the engine in the gateway's sandbox with its filters.
 */
import { join } from "node:path";
import type { LoadedYaml } from "../config/index.js";
import { type SourcePosition, UserError } from "../core/errors.js";
import type { ChatMessage, ModelParams, RenderedPrompt } from "../core/types.js";
import type { PromptDefinition } from "./definition-schema.js";
import { type GatewayBehaviour, gatewayBehaviour } from "./gateway-behaviour.js";
import { createIncludeLoader, type IncludeRefusal } from "./include-loader.js";
import { JinjaEnvironment, type JinjaEnvironmentOptions } from "./jinja/index.js";
import { type MessagePart, planMessages, type TemplatePart } from "./message-plan.js";
import { mergeModelParams } from "./model-params.js";
import type { ResolvedDefinition } from "./prompt-registry.js";
import {
  type InputsSource,
  lineInFile,
  type MissingInput,
  missingInputsError,
  renderFailure,
} from "./render-failure.js";
import { createRequiredInputs, mayRead, type RequiredInput } from "./required-inputs.js";
import { createSecurityBlockRenderer, SECURITY_BLOCK_TEMPLATE } from "./security-block.js";
import { splicedMessages } from "./spliced-messages.js";

export type { InputsSource } from "./render-failure.js";

export type DefinitionRenderer = (
  resolved: ResolvedDefinition,
  inputs: Record<string, unknown>,
  modelParams?: ModelParams,
  source?: InputsSource,
) => RenderedPrompt;

interface DefinitionPlan {
  parts: MessagePart[];
  /** LangChain's optional placeholders are partial variables worth `[]` when not given. */
  optionalInputs: string[];
  /** Those some template may read: only they need the `[]` (copying inputs costs). */
  readOptionalInputs: string[];
}

/**
 * A renderer over one definitions root. `sourceOf` returns the parsed YAML of a resolved
 * definition (for error positions), when the registry has it.
 */
export function createDefinitionRenderer(
  root: string,
  sourceOf: (resolved: ResolvedDefinition) => LoadedYaml<PromptDefinition> | undefined,
  behaviour: GatewayBehaviour = gatewayBehaviour(),
): DefinitionRenderer {
  let refusal: IncludeRefusal | undefined;
  const loader = createIncludeLoader(root, (r) => {
    refusal = r;
  });
  let environment: JinjaEnvironment | undefined;
  // Built on first render: a registry used only to list or resolve never touches the engine.
  const env = () => {
    // `sandbox` is the engine's gateway-sandbox option (older engines ignore it).
    const options: JinjaEnvironmentOptions & { sandbox?: GatewayBehaviour["sandbox"] } = {
      loader,
      filters: behaviour.filters,
      sandbox: behaviour.sandbox,
    };
    environment ??= new JinjaEnvironment(options);
    return environment;
  };
  const securityBlock = createSecurityBlockRenderer(loader);
  const templates = {
    parse: (source: string, name: string) => env().parse(source, name),
    load: loader,
  };
  const requiredInputs = createRequiredInputs(templates);
  const plans = new Map<string, DefinitionPlan>();

  const positionOf = (resolved: ResolvedDefinition, path: (string | number)[]): SourcePosition =>
    sourceOf(resolved)?.positionOf(path) ?? { file: join(root, resolved.file) };

  function planFor(resolved: ResolvedDefinition): DefinitionPlan {
    let plan = plans.get(resolved.file);
    if (plan) return plan;
    let block: string | undefined;
    if (behaviour.securityBlock) {
      try {
        block = securityBlock(resolved.promptId);
      } catch (err) {
        const detail = err instanceof Error ? err.message : String(err);
        throw new UserError(`cannot render the gateway's security block: ${detail}`, {
          file: join(root, SECURITY_BLOCK_TEMPLATE),
        });
      }
    }
    const parts = planMessages(resolved.definition, {
      securityBlock: block,
      automaticHistory: behaviour.automaticHistory,
    });
    const optionalInputs = parts.flatMap((p) =>
      p.kind === "placeholder" && p.optional ? [p.input] : [],
    );
    let readOptionalInputs: string[] = [];
    try {
      readOptionalInputs = optionalInputs.filter((name) =>
        parts.some((p) => p.kind === "template" && mayRead(templates, p.source, name)),
      );
    } catch {
      // A template that does not parse: reported, located, when its message is rendered.
      readOptionalInputs = optionalInputs;
    }
    plan = { parts, optionalInputs, readOptionalInputs };
    plans.set(resolved.file, plan);
    return plan;
  }

  const templateNameOf = (resolved: ResolvedDefinition, part: TemplatePart) =>
    `${resolved.file}#${part.field}`;

  function fail(
    err: unknown,
    resolved: ResolvedDefinition,
    part: TemplatePart,
    inputs: Record<string, unknown>,
    source: InputsSource,
  ): unknown {
    return renderFailure(err, {
      root,
      where: positionOf(resolved, part.path),
      part,
      templateName: templateNameOf(resolved, part),
      inputs,
      source,
      refusal,
    });
  }

  function readAt(
    resolved: ResolvedDefinition,
    part: TemplatePart,
    need: RequiredInput,
  ): SourcePosition {
    if (need.includedFrom !== undefined) {
      const file = join(root, ...need.includedFrom.split("/"));
      return need.line === undefined ? { file } : { file, line: need.line };
    }
    const where = positionOf(resolved, part.path);
    const line = need.line === undefined ? 0 : need.line - part.prefixLines;
    return line > 0 ? lineInFile(where, line) : where;
  }

  /** Every input some message needs and `inputs` lacks, all at once, as LangChain checks. */
  function checkInputs(
    resolved: ResolvedDefinition,
    plan: DefinitionPlan,
    inputs: Record<string, unknown>,
    source: InputsSource,
  ): void {
    const missing: MissingInput[] = [];
    for (const part of plan.parts) {
      if (part.kind === "placeholder") {
        if (!part.optional && !Object.hasOwn(inputs, part.input)) {
          const where = positionOf(resolved, ["prompt_template", "placeholder"]);
          missing.push({
            name: part.input,
            includedFrom: undefined,
            line: undefined,
            field: part.field,
            where,
          });
        }
        continue;
      }
      refusal = undefined;
      let required: ReturnType<typeof requiredInputs>;
      try {
        required = requiredInputs(part.source, templateNameOf(resolved, part));
      } catch (err) {
        throw fail(err, resolved, part, inputs, source);
      }
      for (const need of required) {
        if (Object.hasOwn(inputs, need.name) || plan.optionalInputs.includes(need.name)) continue;
        missing.push({ ...need, field: part.field, where: readAt(resolved, part, need) });
      }
    }
    if (missing.length > 0) {
      throw missingInputsError(join(root, resolved.file), missing, inputs, source);
    }
  }

  function splice(
    resolved: ResolvedDefinition,
    part: Extract<MessagePart, { kind: "placeholder" }>,
    value: unknown,
    source: InputsSource,
  ): ChatMessage[] {
    const messages = splicedMessages(value);
    if (typeof messages !== "string") return messages;
    const declared = part.optional
      ? `the gateway's automatic optional "history" placeholder`
      : `${part.field} of ${join(root, resolved.file)}`;
    throw new UserError(
      `input "${part.input}" (spliced in as messages by ${declared}): ${messages}. Give a list like [{"role": "user", "content": "…"}, {"role": "assistant", "content": "…"}].`,
      source,
    );
  }

  return (resolved, inputs, modelParams, source) => {
    const plan = planFor(resolved);
    checkInputs(resolved, plan, inputs, source);
    let context = inputs;
    for (const name of plan.readOptionalInputs) {
      if (!Object.hasOwn(context, name)) context = { ...context, [name]: [] };
    }
    const messages: ChatMessage[] = [];
    for (const part of plan.parts) {
      if (part.kind === "placeholder") {
        if (Object.hasOwn(inputs, part.input)) {
          messages.push(...splice(resolved, part, inputs[part.input], source));
        }
        continue;
      }
      refusal = undefined;
      let content: string;
      try {
        content = env().renderString(part.source, context, templateNameOf(resolved, part));
      } catch (err) {
        throw fail(err, resolved, part, inputs, source);
      }
      // An empty assistant turn is a template with no prefill; providers reject a blank
      // assistant message, so it is dropped. Empty system/user turns are kept, as sent.
      if (part.role === "assistant" && content.trim() === "") continue;
      messages.push({ role: part.role, content });
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

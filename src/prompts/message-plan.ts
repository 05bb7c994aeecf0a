/**
 * A definition's `prompt_template` turned into the list of messages the gateway builds
 * (lib/prompts/utilities.py `prompt_template_to_messages`): roles in file order, one message
 * per string of a list-valued role, `placeholder: NAME` as the messages of input NAME, the
 * security block prepended to the SOURCE of the first `system*` message (so it is rendered
 * again with it), and an optional `history` placeholder at the end when none is named so.
 */
import type { ChatRole } from "../core/types.js";
import type { PromptDefinition } from "./definition-schema.js";

export interface TemplatePart {
  kind: "template";
  role: ChatRole;
  /** `prompt_template.<key>` or `prompt_template.<key>[i]`, for messages. */
  field: string;
  /** The path of the value in the YAML file, for positions. */
  path: (string | number)[];
  /** The template as rendered: the security block (if any) followed by the file's text. */
  source: string;
  /** Lines the security block adds before the file's text (0 without it). */
  prefixLines: number;
}

export interface PlaceholderPart {
  kind: "placeholder";
  /** The input whose `{role, content}` messages are spliced in. */
  input: string;
  /** The automatic `history`: an absent input adds nothing. */
  optional: boolean;
  field: string;
}

export type MessagePart = TemplatePart | PlaceholderPart;

/** LangChain's message types: `human`/`user`, `ai`/`assistant`, `system`. */
export function chatRoleOf(key: string): ChatRole | undefined {
  if (key === "user" || key === "human") return "user";
  if (key === "assistant" || key === "ai") return "assistant";
  if (key === "system" || key.startsWith("system_")) return "system";
  return undefined;
}

export interface PlanOptions {
  /** The rendered security block, or undefined when it is not added. */
  securityBlock: string | undefined;
  automaticHistory: boolean;
}

export function planMessages(definition: PromptDefinition, options: PlanOptions): MessagePart[] {
  const parts: MessagePart[] = [];
  let securityPending = options.securityBlock !== undefined;
  for (const [key, value] of Object.entries(definition.prompt_template)) {
    if (key === "placeholder") {
      parts.push({
        kind: "placeholder",
        input: String(value),
        optional: false,
        field: "prompt_template.placeholder",
      });
      continue;
    }
    const role = chatRoleOf(key);
    if (role === undefined) continue; // the schema admits no other keys
    const sources = typeof value === "string" ? [value] : value;
    sources.forEach((text, index) => {
      const listed = typeof value !== "string";
      let source = text;
      let prefixLines = 0;
      if (securityPending && key.startsWith("system")) {
        const block = options.securityBlock!;
        source = block + text;
        prefixLines = block.split("\n").length - 1;
        securityPending = false;
      }
      parts.push({
        kind: "template",
        role,
        field: listed ? `prompt_template.${key}[${index}]` : `prompt_template.${key}`,
        path: listed ? ["prompt_template", key, index] : ["prompt_template", key],
        source,
        prefixLines,
      });
    });
  }
  const declaresHistory = parts.some((p) => p.kind === "placeholder" && p.input === "history");
  if (options.automaticHistory && !declaresHistory) {
    parts.push({ kind: "placeholder", input: "history", optional: true, field: "history" });
  }
  return parts;
}

/**
 * The messages a `placeholder` splices in, read from an input the way LangChain's
 * MessagesPlaceholder reads a list of `{role, content}` dicts.
 */
import type { ChatMessage, ChatRole } from "../core/types.js";

const ROLE_OF: Record<string, ChatRole> = {
  user: "user",
  human: "user",
  assistant: "assistant",
  ai: "assistant",
  system: "system",
};

/** The messages in `value`, or why it is not a list of `{role, content}` messages. */
export function splicedMessages(value: unknown): ChatMessage[] | string {
  if (!Array.isArray(value)) {
    return `it is ${value === null ? "null" : typeof value}, not a list of {role, content} messages`;
  }
  const messages: ChatMessage[] = [];
  for (const [index, item] of value.entries()) {
    const at = `item ${index + 1}`;
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      return `${at} is not a {role, content} object`;
    }
    const { role, content } = item as Record<string, unknown>;
    const chatRole = typeof role === "string" ? ROLE_OF[role] : undefined;
    if (chatRole === undefined) {
      return `${at} has role ${JSON.stringify(role)}; use user (or human), assistant (or ai) or system`;
    }
    if (typeof content !== "string") return `${at} has no string "content"`;
    messages.push({ role: chatRole, content });
  }
  return messages;
}

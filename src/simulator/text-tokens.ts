import type { ChatMessage } from "../core/types.js";

/**
 * A rough, deterministic tokenizer: about four characters per token, whitespace attached to
 * the following word the way BPE tokenizers usually do. Good enough for usage numbers,
 * max_tokens truncation, streaming chunks and logprobs; not any real model's vocabulary.
 */
const TOKEN_PATTERN = /\s*[^\s]{1,4}|\s+/g;

export function splitTokens(text: string): string[] {
  return text.match(TOKEN_PATTERN) ?? [];
}

/** Prompt-side count without splitting: chat templates add a few tokens per message. */
export function countPromptTokens(messages: readonly ChatMessage[]): number {
  let total = 3;
  for (const m of messages) total += 4 + Math.ceil(m.content.length / 4);
  return total;
}

export function countTextTokens(text: string): number {
  return splitTokens(text).length;
}

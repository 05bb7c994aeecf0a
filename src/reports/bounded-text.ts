/**
 * Cutting untrusted text (responses, judge reasoning, provider errors) to a size a report can
 * carry, saying so in the text itself so nobody mistakes a cut message for the whole one.
 */
export function truncateText(text: string, limit: number, where = "journal.jsonl"): string {
  if (text.length <= limit) return text;
  // Never split a surrogate pair: half of one is a character XML and JSON readers reject.
  let end = limit;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}… [truncated: ${text.length - end} more characters; the full text is in ${where}]`;
}

/**
 * Untrusted text (example ids, judge reasoning, model names from a config) made inert for a
 * GitLab merge-request note: HTML becomes entities, Markdown punctuation is backslash-escaped,
 * line breaks collapse (the text sits in a table cell), and `@` is followed by a zero-width
 * space so `@here` or `@someone` in a response pings nobody.
 */

// C0/C1 controls, including newlines: a table cell is one line.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

export function escapeMarkdownText(text: string): string {
  return text
    .replace(CONTROL, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_{}[\]#!|~$%]/g, "\\$&")
    .replace(/@/g, "@\u200b");
}

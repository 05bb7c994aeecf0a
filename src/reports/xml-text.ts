/**
 * Text made safe for XML 1.0: characters the standard forbids are dropped (C0 controls other
 * than tab/newline/return, lone surrogates, U+FFFE/U+FFFF), markup characters become
 * entities. A report built from model output must stay well-formed whatever the model said.
 */

// Allowed: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF] (XML 1.0 §2.2).
const FORBIDDEN = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function dropForbiddenXmlChars(text: string): string {
  return text.replace(FORBIDDEN, "");
}

/**
 * For names that must stay distinct (test case names): a forbidden character becomes
 * `\u{hex}` and a backslash `\\`, so two different ids never map to the same name.
 */
export function spellForbiddenXmlChars(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(FORBIDDEN, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** Element content: `&`, `<` and `>` (so `]]>` cannot appear either). */
export function escapeXmlText(text: string): string {
  return dropForbiddenXmlChars(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/** Attribute values (double-quoted): also quotes, and line breaks as references so parsers keep them. */
export function escapeXmlAttribute(text: string): string {
  return escapeXmlText(text)
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\t/g, "&#9;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;");
}

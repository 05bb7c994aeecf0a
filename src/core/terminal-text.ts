/**
 * Text from data (example ids, dataset values, server replies) reaches the terminal inside
 * messages. A control character in it would act on the terminal (`ESC[2J` clears the
 * screen), so everything printed from data goes through `escapeControl` first.
 */

// C0 controls, DEL and C1 controls (U+0080–U+009F, which some terminals also obey).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const CONTROL_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * `\x1b`-style escapes for control characters. `keepLayout` keeps newlines and tabs, for
 * multi-line messages whose line breaks are evalgate's own.
 */
export function escapeControl(text: string, options: { keepLayout?: boolean } = {}): string {
  const pattern = options.keepLayout ? CONTROL_BUT_LAYOUT : CONTROL;
  return text.replace(pattern, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

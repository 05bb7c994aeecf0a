/**
 * The shell of evalgate's HTML reports: one self-contained file with its data embedded as
 * JSON, its scripts and styles inline, and a Content-Security-Policy that allows exactly
 * those inline scripts and styles (by hash) and nothing from the network.
 *
 * Report data is untrusted (model output, dataset content): it is only ever placed in the
 * page as JSON inside `<script type="application/json">`, escaped so it cannot close that
 * element, and the page script reads it with JSON.parse and shows it with textContent.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The id of the `<script type="application/json">` element holding the report's data. */
export const REPORT_DATA_ELEMENT_ID = "report-data";

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text for HTML element content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON that can sit inside a `<script>` element: `<`, `>` and `&` become \u escapes (so no
 * `</script>` or `<!--` can appear), and so do U+2028/U+2029 (line terminators in older
 * JavaScript parsers). JSON.parse reads it back to the same value.
 */
export function jsonForScriptElement(value: unknown): string {
  return (JSON.stringify(value) ?? "null").replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The CSP source for an inline script or style: `'sha256-<base64>'` of its exact text. */
export function cspHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/** `default-src 'none'`, and only the given inline scripts and styles (by hash) may run. */
export function contentSecurityPolicy(scripts: readonly string[], styles: readonly string[]) {
  return [
    "default-src 'none'",
    `script-src ${scripts.map(cspHash).join(" ")}`,
    `style-src ${styles.map(cspHash).join(" ")}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

let chartSource: string | undefined;

/**
 * chart.js's UMD build (it defines `window.Chart`), read from node_modules when the first
 * report is written. The source-map comment is dropped: the file must not point anywhere.
 */
export function chartJsSource(): string {
  if (chartSource === undefined) {
    // chart.js exports no subpath for its UMD file; it sits next to the CommonJS entry.
    const entry = createRequire(import.meta.url).resolve("chart.js");
    const text = readFileSync(join(dirname(entry), "chart.umd.js"), "utf8");
    chartSource = text.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, "\n");
    if (/<\/script|<!--/i.test(chartSource)) {
      throw new Error("chart.umd.js contains a sequence that would end its <script> element");
    }
  }
  return chartSource;
}

export interface HtmlDocumentParts {
  title: string;
  /** Embedded as JSON in `<script type="application/json" id="report-data">`. */
  data: unknown;
  /** The page's own script (trusted, ours): reads the data element and builds the page. */
  script: string;
  styles: string;
  /** Inline chart.js before the page script. */
  withChart: boolean;
}

/** A complete, self-contained HTML document. */
export function renderHtmlDocument(parts: HtmlDocumentParts): string {
  if (/<\/script|<!--/i.test(parts.script)) {
    throw new Error("a report's page script must not contain </script or <!--");
  }
  if (/<\/style/i.test(parts.styles)) throw new Error("report styles must not contain </style");
  const scripts = parts.withChart ? [chartJsSource(), parts.script] : [parts.script];
  const csp = contentSecurityPolicy(scripts, [parts.styles]);
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(parts.title)}</title>`,
    `<style>${parts.styles}</style>`,
    "</head>",
    "<body>",
    "<noscript><p>This report needs JavaScript to show its data (it runs only the scripts inlined in this file).</p></noscript>",
    `<script type="application/json" id="${REPORT_DATA_ELEMENT_ID}">${jsonForScriptElement(parts.data)}</script>`,
    ...scripts.map((s) => `<script>${s}</script>`),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/**
 * The HTML shell's safety rules, without a browser: data embedded as JSON cannot leave its
 * script element, the CSP names exactly the inline scripts and styles by hash, and text is
 * escaped for element content and attributes.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  chartJsSource,
  contentSecurityPolicy,
  cspHash,
  escapeHtml,
  jsonForScriptElement,
  renderHtmlDocument,
} from "../../src/reports/html/index.js";

const PAYLOADS = [
  "</script><script>window.__pwned=1</script>",
  "</SCRIPT ><script>alert(1)</script>",
  "<!--<script>",
  "<img src=x onerror=alert(1)>",
  "a & b &amp; c",
  "line\u2028separator\u2029paragraph",
  "\"quoted\" 'single' `back`",
  "\\u003c already escaped",
];

describe("jsonForScriptElement", () => {
  it("round-trips every payload through JSON.parse", () => {
    const value = { payloads: PAYLOADS, nested: { [PAYLOADS[0]!]: PAYLOADS } };
    expect(JSON.parse(jsonForScriptElement(value))).toEqual(value);
  });

  it("leaves no <, >, & or U+2028/U+2029 in the embedded text", () => {
    const text = jsonForScriptElement(PAYLOADS);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(text).toContain("\\u003c/script\\u003e\\u003cscript\\u003ewindow.__pwned=1");
    expect(text).toContain("a \\u0026 b \\u0026amp; c");
    expect(text).toContain("line\\u2028separator\\u2029paragraph");
  });

  it("embeds undefined as null", () => {
    expect(jsonForScriptElement(undefined)).toBe("null");
  });
});

describe("escapeHtml", () => {
  it("escapes the five HTML metacharacters", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });
});

describe("renderHtmlDocument", () => {
  const script = "document.title = 'ok';";
  const styles = "body { color: red; }";
  const html = renderHtmlDocument({
    title: "<b>report</b> & co",
    data: { payloads: PAYLOADS },
    script,
    styles,
    withChart: false,
  });

  it("has one data element whose content parses back to the data", () => {
    const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(
      html,
    );
    expect(JSON.parse(match![1]!)).toEqual({ payloads: PAYLOADS });
    // The only </script> sequences are the real end tags: the data element's and the page script's.
    expect(html.match(/<\/script/gi)).toHaveLength(2);
  });

  it("sets a CSP allowing exactly its inline script and style by hash, and nothing else", () => {
    const sha = (t: string) => createHash("sha256").update(t).digest("base64");
    expect(cspHash(script)).toBe(`'sha256-${sha(script)}'`);
    const csp = contentSecurityPolicy([script], [styles]);
    expect(csp).toBe(
      `default-src 'none'; script-src 'sha256-${sha(script)}'; style-src 'sha256-${sha(styles)}'; img-src data:; base-uri 'none'; form-action 'none'`,
    );
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    );
    expect(html.indexOf("Content-Security-Policy")).toBeLessThan(html.indexOf("<script"));
    expect(html).toContain(`<script>${script}</script>`);
    expect(html).toContain(`<style>${styles}</style>`);
  });

  it("escapes the title", () => {
    expect(html).toContain("<title>&lt;b&gt;report&lt;/b&gt; &amp; co</title>");
  });

  it("refuses a page script or styles that would end their element", () => {
    const parts = { title: "t", data: {}, styles, withChart: false };
    expect(() => renderHtmlDocument({ ...parts, script: "'</script>'" })).toThrow(/<\/script/);
    expect(() => renderHtmlDocument({ ...parts, script, styles: "</style>" })).toThrow(/<\/style/);
  });

  it("inlines chart.js's UMD build, without its source-map comment, hashed in the CSP", () => {
    const chart = chartJsSource();
    expect(chart).toMatch(/^\/\*!\n \* Chart\.js v4\./);
    expect(chart).not.toContain("sourceMappingURL");
    const withChart = renderHtmlDocument({ title: "t", data: {}, script, styles, withChart: true });
    // Booleans, not toContain: a failure would print 200 kB of chart.js.
    expect(withChart.includes(escapeHtml(cspHash(chart)))).toBe(true);
    expect(withChart.includes(`<script>${chart}</script>`)).toBe(true);
    expect(withChart.indexOf(chart)).toBeLessThan(withChart.indexOf(script));
  });
});

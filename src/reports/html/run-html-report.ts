/**
 * report.html of a run folder: the report data, the page script and styles, in one
 * self-contained document (see html-document.ts for the safety rules).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderHtmlDocument } from "./html-document.js";
import type { ReportData } from "./report-data.js";
import { REPORT_PAGE_SCRIPT } from "./report-page-script.js";
import { REPORT_STYLES } from "./report-styles.js";

export const HTML_REPORT_FILE = "report.html";

export function renderRunHtmlReport(data: ReportData): string {
  return renderHtmlDocument({
    title: data.title,
    data,
    script: REPORT_PAGE_SCRIPT,
    styles: REPORT_STYLES,
    withChart: true,
  });
}

/** Writes `<outDir>/report.html`; returns its path. */
export async function writeRunHtmlReport(outDir: string, data: ReportData): Promise<string> {
  const file = join(outDir, HTML_REPORT_FILE);
  await writeFile(file, renderRunHtmlReport(data));
  return file;
}

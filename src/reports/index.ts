export {
  HTML_REPORT_FILE,
  type HtmlDocumentParts,
  jsonForScriptElement,
  renderHtmlDocument,
} from "./html/index.js";
export {
  type RunReport,
  SUMMARY_MARKDOWN_FILE,
  type WriteRunReportsOptions,
  writeRunReports,
} from "./run-report-files.js";
export { renderSummaryMarkdown, type SummaryContext } from "./summary-markdown.js";
export { alignColumns } from "./text-columns.js";
export { formatInterval, formatRate, renderVerdictTable } from "./verdict-table.js";

export {
  chartJsSource,
  contentSecurityPolicy,
  cspHash,
  escapeHtml,
  type HtmlDocumentParts,
  jsonForScriptElement,
  REPORT_DATA_ELEMENT_ID,
  renderHtmlDocument,
} from "./html-document.js";
export {
  MAX_EXAMPLES_PER_CELL,
  type ReportCell,
  type ReportData,
  ReportDataCollector,
  type ReportExample,
} from "./report-data.js";
export { REPORT_PAGE_SCRIPT } from "./report-page-script.js";
export { REPORT_STYLES } from "./report-styles.js";
export { HTML_REPORT_FILE, renderRunHtmlReport, writeRunHtmlReport } from "./run-html-report.js";

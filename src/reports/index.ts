export {
  type CalibrationReportContext,
  calibrationPassed,
  renderCalibrationTable,
} from "./calibration-table.js";
export { jsonForScriptElement, renderCompareHtml } from "./compare-html.js";
export { MARKDOWN_EXAMPLES_PER_LIST, renderCompareMarkdown } from "./compare-markdown.js";
export { COMPARE_FILES, writeCompareReports } from "./compare-report-files.js";
export { type LoadedRunFolder, loadRunFolder } from "./compare-run-folders.js";
export { renderCompareTable } from "./compare-table.js";
export {
  type RunReport,
  SUMMARY_MARKDOWN_FILE,
  type WriteRunReportsOptions,
  writeRunReports,
} from "./run-report-files.js";
export { renderSummaryMarkdown, type SummaryContext } from "./summary-markdown.js";
export { alignColumns } from "./text-columns.js";
export { formatInterval, formatRate, renderVerdictTable } from "./verdict-table.js";

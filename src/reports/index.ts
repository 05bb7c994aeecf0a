export {
  type CalibrationReportContext,
  calibrationPassed,
  renderCalibrationTable,
} from "./calibration-table.js";
export {
  type RunReport,
  SUMMARY_MARKDOWN_FILE,
  type WriteRunReportsOptions,
  writeRunReports,
} from "./run-report-files.js";
export { renderSummaryMarkdown, type SummaryContext } from "./summary-markdown.js";
export { alignColumns } from "./text-columns.js";
export { formatInterval, formatRate, renderVerdictTable } from "./verdict-table.js";

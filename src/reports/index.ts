export { type BaselineChange, baselineChanges } from "./baseline-changes.js";
export {
  type CalibrationReportContext,
  calibrationPassed,
  renderCalibrationTable,
} from "./calibration-table.js";
export {
  CODE_QUALITY_FILE,
  type CodeQualityIssue,
  codeQualityIssues,
  findRepositoryRoot,
  renderCodeQualityReport,
  repositoryPath,
} from "./code-quality-report.js";
export { renderCompareHtml } from "./compare-html.js";
export { MARKDOWN_EXAMPLES_PER_LIST, renderCompareMarkdown } from "./compare-markdown.js";
export { COMPARE_FILES, writeCompareReports } from "./compare-report-files.js";
export { type LoadedRunFolder, loadRunFolder } from "./compare-run-folders.js";
export { renderCompareTable, renderPairwiseSummary } from "./compare-table.js";
export {
  HTML_REPORT_FILE,
  type HtmlDocumentParts,
  jsonForScriptElement,
  renderHtmlDocument,
} from "./html/index.js";
export { JUNIT_FILE, JUnitReportBuilder } from "./junit-report.js";
export { escapeMarkdownText } from "./markdown-text.js";
export { METRICS_FILE, renderOpenMetrics, sanitizeLabelValue } from "./openmetrics-report.js";
export {
  couldNotEvaluate,
  describeGateFailures,
  type RunOutcome,
  type RunOutcomeKind,
  runExitCode,
  runOutcome,
} from "./run-outcome.js";
export {
  type RunReport,
  readRunMatrix,
  SUMMARY_MARKDOWN_FILE,
  type WriteRunReportsOptions,
  writeRunReports,
} from "./run-report-files.js";
export {
  renderSummaryMarkdown,
  SUMMARY_MARKER,
  SUMMARY_SIZE_LIMIT,
  type SummaryContext,
} from "./summary-markdown.js";
export { alignColumns } from "./text-columns.js";
export { formatInterval, formatRate, judgeLabel, renderVerdictTable } from "./verdict-table.js";
export { type WorstExample, WorstExamplesCollector } from "./worst-examples.js";
export { dropForbiddenXmlChars, escapeXmlAttribute, escapeXmlText } from "./xml-text.js";

export { renderSummaryMarkdown, type SummaryContext } from "./summary-markdown.js";
export { formatInterval, formatRate, renderVerdictTable } from "./verdict-table.js";

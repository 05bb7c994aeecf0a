/**
 * report.html's stylesheet: light and dark themes from prefers-color-scheme, traffic-light
 * colours that also differ by label (never colour alone), and a print layout without the
 * controls. Inlined, and allowed by the CSP by its hash.
 */
export const REPORT_STYLES = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
  --green: #1a7f37; --yellow: #9a6700; --red: #cf222e; --grey: #6e7781; --accent: #0969da;
  --green-bg: #dafbe1; --yellow-bg: #fff8c5; --red-bg: #ffebe9; --grey-bg: #eaeef2;
}
@media screen and (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
    --green: #3fb950; --yellow: #d29922; --red: #f85149; --grey: #9198a1; --accent: #4493f8;
    --green-bg: #12261e; --yellow-bg: #272115; --red-bg: #2d1517; --grey-bg: #212830;
  }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 1rem 1.5rem 3rem; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
.meta, .note { color: var(--muted); }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: .35rem .6rem; text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
.matrix td { padding: 0; }
.cell-button { display: block; width: 100%; padding: .4rem .6rem; border: 0; background: transparent;
  color: inherit; font: inherit; text-align: left; cursor: pointer; }
.cell-button:hover, .cell-button:focus-visible { outline: 2px solid var(--accent); outline-offset: -2px; }
.cell-button[aria-pressed="true"] { outline: 2px solid var(--accent); outline-offset: -2px; }
.verdict-green { background: var(--green-bg); }
.verdict-yellow { background: var(--yellow-bg); }
.verdict-red { background: var(--red-bg); }
.verdict-insufficient { background: var(--grey-bg); }
.light { display: inline-block; width: .8em; height: .8em; border-radius: 50%; margin-right: .35em;
  vertical-align: -.05em; border: 1px solid var(--fg); }
.light-green { background: var(--green); } .light-yellow { background: var(--yellow); }
.light-red { background: var(--red); } .light-insufficient { background: var(--grey); }
.rate { font-weight: 600; font-variant-numeric: tabular-nums; }
.interval { color: var(--muted); font-size: .9em; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 1rem; }
.chart-box { border: 1px solid var(--line); border-radius: 6px; padding: .5rem; background: var(--panel); }
.chart-wrap { position: relative; height: 220px; }
.detail { border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; margin-top: 1rem; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: .25rem 1rem; margin: 0; }
.stats dt { color: var(--muted); } .stats dd { margin: 0 0 .4rem; font-variant-numeric: tabular-nums; }
.histogram { position: relative; max-width: 420px; height: 160px; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; margin: .75rem 0; }
.filters label { display: inline-flex; gap: .3rem; align-items: center; }
input, select, button { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line);
  border-radius: 4px; padding: .2rem .4rem; }
button { cursor: pointer; }
.examples { list-style: none; padding: 0; margin: 0; }
.example { border: 1px solid var(--line); border-radius: 6px; margin: .4rem 0; }
.example > summary { padding: .35rem .6rem; cursor: pointer; display: flex; gap: .75rem; flex-wrap: wrap; }
.example-body { padding: .25rem .75rem .75rem; border-top: 1px solid var(--line); }
.tag { border-radius: 3px; padding: 0 .35rem; font-size: .85em; border: 1px solid var(--line); }
.tag-pass { color: var(--green); } .tag-fail { color: var(--red); }
.tag-unscored, .tag-error { color: var(--yellow); } .tag-flaky { color: var(--accent); }
pre { white-space: pre-wrap; word-break: break-word; background: var(--panel); border: 1px solid var(--line);
  border-radius: 4px; padding: .5rem; margin: .25rem 0 .5rem; max-height: 24rem; overflow: auto;
  font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
.role { font-weight: 600; color: var(--muted); }
.hidden { display: none; }
@media print {
  body { padding: 0; font-size: 11px; color: #000; background: #fff; }
  .filters, .more, .no-print { display: none !important; }
  .chart-box, .detail, .example { break-inside: avoid; }
  pre { max-height: none; overflow: visible; }
  .cell-button { cursor: default; }
}
`;

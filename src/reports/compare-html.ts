/**
 * `compare.html`: the migration review as one self-contained page. Model responses and judge
 * reasoning are hostile until proven otherwise, so the page never parses them as HTML: the
 * data sits in a `<script type="application/json">` element with every `<` escaped (it cannot
 * close its element), a small inline script builds the page with `textContent` only, and the
 * Content-Security-Policy allows that one script and style by hash and nothing else — no
 * network, no inline handlers, no `javascript:` URLs.
 */
import type { RunComparison } from "../scoring/index.js";
import { REPORT_DATA_ELEMENT_ID, renderHtmlDocument } from "./html/index.js";

const STYLE = `
:root { color-scheme: light dark; --bad: #c62828; --good: #2e7d32; --muted: #777; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5rem; max-width: 80rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #8884; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.regressed { color: var(--bad); font-weight: 600; }
.improved { color: var(--good); font-weight: 600; }
.muted { color: var(--muted); }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 0.75rem; margin: 0.5rem 0 1rem; }
.pair > div { border: 1px solid #8884; padding: 0.5rem; min-width: 0; }
pre { white-space: pre-wrap; word-break: break-word; margin: 0.25rem 0; max-height: 24rem; overflow: auto; }
details { margin: 0.25rem 0; }
@media print { details { display: block; } .pair { break-inside: avoid; } }
`;

// Plain browser JavaScript (no modules, no network). Every value from the data goes through
// textContent; nothing is ever assigned to innerHTML, href or an event handler.
const SCRIPT = `
"use strict";
(function () {
  var data = JSON.parse(document.getElementById("${REPORT_DATA_ELEMENT_ID}").textContent);
  var root = document.body.appendChild(document.createElement("main"));
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function pct(v) { return v === null || v === undefined ? "\\u2014" : (v * 100).toFixed(1) + "%"; }
  function pts(v) { var p = v * 100; return (p > 0 ? "+" : "") + p.toFixed(1); }
  function usd(v) { return v === null || v === undefined ? "\\u2014" : "$" + v.toFixed(4); }
  function ms(v) { return v === null || v === undefined ? "\\u2014" : Math.round(v) + " ms"; }
  function pv(p) { return p < 0.001 ? "<0.001" : p.toFixed(3); }
  function outcome(f) {
    if (!f.change) return ["not scored", "muted"];
    if (f.regressed) return ["REGRESSED", "regressed"];
    if (f.change.low > 0) return ["improved", "improved"];
    return ["no significant change", ""];
  }
  function table(head, rows) {
    var t = el("table"), tr = el("tr");
    head.forEach(function (h) { tr.appendChild(el("th", h)); });
    t.appendChild(tr);
    rows.forEach(function (r) {
      var row = el("tr");
      r.forEach(function (c) {
        var cell = Array.isArray(c) ? el("td", c[0], c[1]) : el("td", c);
        row.appendChild(cell);
      });
      t.appendChild(row);
    });
    return t;
  }
  root.appendChild(el("h1", "evalgate compare"));
  root.appendChild(el("p", "Base: " + data.baseDir + " \\u00b7 candidate: " + data.candDir, "muted"));
  var ci = Math.round(data.confidence * 100) + "% CI";
  root.appendChild(table(
    ["feature", "base", "cand", "change (pts)", ci, "p (McNemar)", "pairs", "outcome"],
    data.features.map(function (f) {
      return [
        f.feature,
        f.base.model + " " + pct(f.base.passRate) + " " + (f.base.verdict || "\\u2014"),
        f.cand.model + " " + pct(f.cand.passRate) + " " + (f.cand.verdict || "\\u2014"),
        [f.change ? pts(f.change.difference) : "\\u2014", "num"],
        f.change ? pts(f.change.low) + " to " + pts(f.change.high) : "\\u2014",
        [f.change ? pv(f.change.pValue) : "\\u2014", "num"],
        [String(f.paired), "num"],
        outcome(f)
      ];
    })
  ));
  root.appendChild(el("h2", "Cost and latency (paired cells)"));
  root.appendChild(table(
    ["feature", "cost base", "cost cand", "p50 base", "p50 cand", "p95 base", "p95 cand"],
    data.features.map(function (f) {
      return [f.feature, [usd(f.base.costUsd), "num"], [usd(f.cand.costUsd), "num"],
        [ms(f.base.latencyP50Ms), "num"], [ms(f.cand.latencyP50Ms), "num"],
        [ms(f.base.latencyP95Ms), "num"], [ms(f.cand.latencyP95Ms), "num"]];
    })
  ));
  var pairwise = data.features.filter(function (f) { return f.pairwise; });
  if (pairwise.length > 0) {
    root.appendChild(el("h2", "Pairwise judging (both orders; a win must survive the swap)"));
    root.appendChild(table(
      ["feature", "judge", "cand wins", "base wins", "ties", "unscored", "position-consistent", "judge call failed"],
      pairwise.map(function (f) {
        var p = f.pairwise;
        return [f.feature, p.judge, [p.candWins, "num"], [p.baseWins, "num"], [p.ties, "num"],
          [p.unscored, "num"], [p.consistencyRate === null ? "\\u2014" : pct(p.consistencyRate), "num"],
          [p.failed, "num"]];
      })
    ));
  }
  data.warnings.forEach(function (w) { root.appendChild(el("p", "warning: " + w, "muted")); });
  function side(label, model, s) {
    var box = el("div");
    box.appendChild(el("strong", label + " (" + model + ") \\u2014 score " + (s.score === undefined ? "\\u2014" : s.score)));
    box.appendChild(el("pre", s.response === undefined ? "(no response recorded)" : s.response));
    box.appendChild(el("div", "Judge" + (s.judge ? " " + s.judge : "") + ":", "muted"));
    box.appendChild(el("pre", s.judgeExplanation === undefined ? "(none recorded)" : s.judgeExplanation));
    return box;
  }
  function examples(title, f, list) {
    if (list.length === 0) return;
    root.appendChild(el("h3", title + " (" + list.length + ")"));
    list.forEach(function (e) {
      var d = el("details");
      d.appendChild(el("summary", e.exampleId + (e.repeat > 0 ? " (repeat " + e.repeat + ")" : "") + ": " +
        (e.base.score === undefined ? "\\u2014" : e.base.score) + " \\u2192 " + (e.cand.score === undefined ? "\\u2014" : e.cand.score)));
      var pair = el("div", null, "pair");
      pair.appendChild(side("base", f.base.model, e.base));
      pair.appendChild(side("cand", f.cand.model, e.cand));
      d.appendChild(pair);
      root.appendChild(d);
    });
  }
  data.features.forEach(function (f) {
    if (f.regressions.length + f.improvements.length === 0) return;
    root.appendChild(el("h2", f.feature));
    examples("Regressed (pass \\u2192 fail)", f, f.regressions);
    examples("Improved (fail \\u2192 pass)", f, f.improvements);
  });
  document.body.setAttribute("data-rendered", "true");
})();
`;

export function renderCompareHtml(comparison: RunComparison): string {
  return renderHtmlDocument({
    title: "evalgate compare",
    data: comparison,
    script: SCRIPT,
    styles: STYLE,
    withChart: false,
  });
}

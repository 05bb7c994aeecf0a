/**
 * report.html's page script, as a string (inlined; the CSP allows it by hash). It reads the
 * embedded JSON and builds the page with createElement and textContent only: report data
 * (model output, dataset content) never goes through innerHTML or an attribute that could
 * run it. Plain ES2017 in a string rather than a compiled function, so no build helper
 * can leak into the page; no template literals, so this file's own `${}` cannot splice.
 *
 * Laziness keeps a 1,000-examples-per-cell page responsive: a pair's examples are built only
 * when its cell is opened, 50 at a time, and an example's body only when it is expanded.
 */
export const REPORT_PAGE_SCRIPT = String.raw`(function () {
"use strict";
var PAGE = 50;
var data = JSON.parse(document.getElementById("report-data").textContent);
var root = document.createElement("main");
document.body.appendChild(root);
var css = getComputedStyle(document.documentElement);
function color(name) { return css.getPropertyValue("--" + name).trim() || "#888"; }

function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}
// Appends the nodes given (skipping nulls); returns the first, so "var x = add(parent, el(...))" names the child.
function add(parent) {
  for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
  return arguments[1];
}
function pct(x) { return x === null || x === undefined ? "–" : (x * 100).toFixed(1) + "%"; }
function interval(iv) { return iv ? "[" + pct(iv.low) + " – " + pct(iv.high) + "]" : ""; }
function ms(x) { return x === null || x === undefined ? "–" : Math.round(x) + " ms"; }
function usd(x) { return x === null || x === undefined ? "–" : "$" + x.toFixed(4); }
function outcome(e) {
  if (e.status === "error") return "error";
  if (e.status === "unscored" || e.score === null) return "unscored";
  return e.passed || e.score >= 3 ? "pass" : "fail";
}
var cellOf = {};
data.cells.forEach(function (c) { cellOf[c.feature + "\u0000" + c.model] = c; });

// Header
add(root, el("h1", "", data.title));
var meta = "run " + data.runId + " · suite " + data.suite + " · started " + data.startedAt +
  (data.finishedAt ? " · finished " + data.finishedAt : "") +
  (data.shard ? " · shard " + data.shard : "") +
  (data.complete ? "" : " · INCOMPLETE: some planned cells have no result");
add(root, el("p", "meta", meta));
add(root, el("p", "note", "Pass rate = share of scored responses the judge rated 3 or 4, with its 95% interval. Select a cell to see its examples."));

// Matrix: features × models
add(root, el("h2", "", "Compatibility matrix"));
var table = add(root, el("table", "matrix"));
var head = add(table, el("thead")).appendChild(el("tr"));
add(head, el("th", "", "feature"));
data.models.forEach(function (m) { add(head, el("th", "", m)); });
var body = add(table, el("tbody"));
var buttons = [];
data.features.forEach(function (f) {
  var tr = add(body, el("tr"));
  add(tr, el("th", "", f));
  data.models.forEach(function (m) {
    var c = cellOf[f + "\u0000" + m];
    if (!c) { add(tr, el("td", "", "not evaluated")); return; }
    var td = add(tr, el("td", "verdict-" + c.verdict));
    var b = add(td, el("button", "cell-button"));
    b.type = "button";
    b.setAttribute("aria-pressed", "false");
    b.setAttribute("data-cell", f + " × " + m);
    add(b, el("span", "light light-" + c.verdict), el("span", "verdict", c.verdict + " "),
      el("span", "rate", pct(c.passRate)), el("br"), el("span", "interval", interval(c.interval)));
    b.addEventListener("click", function () { openCell(c, b); });
    buttons.push(b);
  });
});

// Charts: one per feature, models compared, interval whiskers and the threshold drawn
var whiskers = {
  id: "intervalWhiskers",
  afterDatasetsDraw: function (chart) {
    var ds = chart.data.datasets[0];
    if (!ds.intervals) return;
    var y = chart.scales.y, ctx = chart.ctx, bars = chart.getDatasetMeta(0).data;
    ctx.save();
    ctx.strokeStyle = color("fg");
    ctx.lineWidth = 1.5;
    bars.forEach(function (bar, i) {
      var iv = ds.intervals[i];
      if (!iv) return;
      var lo = y.getPixelForValue(iv.low * 100), hi = y.getPixelForValue(iv.high * 100);
      ctx.beginPath();
      ctx.moveTo(bar.x, lo); ctx.lineTo(bar.x, hi);
      ctx.moveTo(bar.x - 6, lo); ctx.lineTo(bar.x + 6, lo);
      ctx.moveTo(bar.x - 6, hi); ctx.lineTo(bar.x + 6, hi);
      ctx.stroke();
    });
    if (ds.threshold !== undefined) {
      var ty = y.getPixelForValue(ds.threshold * 100);
      ctx.setLineDash([5, 4]);
      ctx.strokeStyle = color("muted");
      ctx.beginPath();
      ctx.moveTo(chart.chartArea.left, ty); ctx.lineTo(chart.chartArea.right, ty);
      ctx.stroke();
    }
    ctx.restore();
  }
};
function verdictColor(v) { return color(v === "insufficient" ? "grey" : v); }
var hasChart = typeof window.Chart === "function";
// Charts draw on canvas, outside CSS: when the theme changes or the page is printed, each
// chart's colours are read again from the CSS variables and it is redrawn.
var painted = [];
function chartWith(canvas, config, paint) {
  var entry = { chart: new Chart(canvas, config), paint: paint };
  paint(entry.chart);
  entry.chart.update("none");
  painted.push(entry);
  return entry.chart;
}
function paintAll() {
  Chart.defaults.color = color("fg");
  Chart.defaults.borderColor = color("line");
  painted.forEach(function (p) { p.paint(p.chart); p.chart.update("none"); });
}
if (hasChart) {
  Chart.defaults.color = color("fg");
  Chart.defaults.borderColor = color("line");
  ["(prefers-color-scheme: dark)", "print"].forEach(function (q) {
    var m = window.matchMedia(q);
    if (m.addEventListener) m.addEventListener("change", paintAll);
  });
  add(root, el("h2", "", "Models compared, per feature"));
  var grid = add(root, el("div", "charts"));
  data.features.forEach(function (f) {
    var cells = data.models.map(function (m) { return cellOf[f + "\u0000" + m]; }).filter(Boolean);
    var box = add(grid, el("div", "chart-box"));
    add(box, el("h3", "", f));
    var canvas = add(add(box, el("div", "chart-wrap")), el("canvas"));
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", "pass rate per model for " + f);
    chartWith(canvas, {
      type: "bar",
      data: {
        labels: cells.map(function (c) { return c.model; }),
        datasets: [{
          label: "pass rate %",
          data: cells.map(function (c) { return c.passRate === null ? 0 : c.passRate * 100; }),
          backgroundColor: [],
          intervals: cells.map(function (c) { return c.interval; }),
          threshold: cells.length ? cells[0].threshold : undefined
        }]
      },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        scales: { y: { min: 0, max: 100, title: { display: true, text: "pass rate %" } } },
        plugins: { legend: { display: false } }
      },
      plugins: [whiskers]
    }, function (chart) {
      chart.data.datasets[0].backgroundColor = cells.map(function (c) { return verdictColor(c.verdict); });
    });
  });
}

// Detail of one cell, built when it is opened
var detail = add(root, el("section", "detail hidden"));
detail.id = "cell-detail";
var histogramChart = null;
function stat(dl, name, value) { add(dl, el("dt", "", name), el("dd", "", value)); }

function openCell(c, button) {
  buttons.forEach(function (b) { b.setAttribute("aria-pressed", b === button ? "true" : "false"); });
  if (histogramChart) {
    var old = histogramChart;
    painted = painted.filter(function (p) { return p.chart !== old; });
    old.destroy();
    histogramChart = null;
  }
  detail.textContent = "";
  detail.classList.remove("hidden");
  add(detail, el("h2", "", c.feature + " × " + c.model));
  var dl = add(detail, el("dl", "stats"));
  stat(dl, "verdict", c.verdict + (c.gated ? " (gated)" : ""));
  stat(dl, "pass rate", pct(c.passRate) + " " + interval(c.interval));
  stat(dl, "threshold", pct(c.threshold) + " (yellow from " + pct(c.threshold - c.yellowBand) + ")");
  stat(dl, "scored", c.scored + " of " + c.n);
  stat(dl, "unscored", c.unscored);
  stat(dl, "errors", c.errors);
  stat(dl, "missing", c.missing);
  stat(dl, "flaky examples", c.flaky);
  stat(dl, "mean score", c.meanScore === null ? "–" : c.meanScore.toFixed(2));
  stat(dl, "cost", usd(c.costUsd));
  stat(dl, "tokens in / out", c.inputTokens + " / " + c.outputTokens);
  stat(dl, "latency p50 / p95", ms(c.latencyP50Ms) + " / " + ms(c.latencyP95Ms));
  stat(dl, "judge", c.judge || "–");
  stat(dl, "prompt", (c.promptFile || "–") + (c.promptVersion ? " @ " + c.promptVersion : ""));
  add(detail, el("h3", "", "Score histogram"));
  var scores = Object.keys(c.histogram).sort(function (a, b) { return Number(a) - Number(b); });
  if (hasChart) {
    var hc = add(add(detail, el("div", "histogram")), el("canvas"));
    hc.setAttribute("role", "img");
    hc.setAttribute("aria-label", "score histogram");
    histogramChart = chartWith(hc, {
      type: "bar",
      data: { labels: scores, datasets: [{ label: "responses", data: scores.map(function (s) { return c.histogram[s]; }) }] },
      options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } } }
    }, function (chart) {
      chart.data.datasets[0].backgroundColor = scores.map(function (s) { return color(Number(s) >= 3 ? "green" : "red"); });
    });

  }
  add(detail, el("p", "note", scores.map(function (s) { return "score " + s + ": " + c.histogram[s]; }).join(" · ") || "nothing scored"));
  examplesOf(c);
  detail.scrollIntoView({ block: "start" });
}

function option(select, value, label) {
  var o = add(select, el("option", "", label));
  o.value = value;
  return o;
}
function labelled(parent, text, control) {
  var l = add(parent, el("label", "", text));
  l.appendChild(control);
  return control;
}
function searchText(e) {
  if (e._text === undefined) {
    var parts = [e.id, JSON.stringify(e.inputs || {}), e.response || "", e.reference || "", e.reason || ""];
    e.judges.forEach(function (j) { parts.push(j.name, j.explanation); });
    e._text = parts.join("\n").toLowerCase();
  }
  return e._text;
}

function examplesOf(c) {
  add(detail, el("h3", "", "Examples, worst first"));
  if (c.recorded > c.examples.length) {
    add(detail, el("p", "note", "Showing the " + c.examples.length + " worst of " + c.recorded + " results."));
  }
  var bar = add(detail, el("div", "filters"));
  var verdict = labelled(bar, "verdict", el("select"));
  verdict.name = "verdict";
  [["all", "all"], ["pass", "pass"], ["fail", "fail"], ["unscored", "unscored"], ["error", "error"]]
    .forEach(function (v) { option(verdict, v[0], v[1]); });
  var score = labelled(bar, "score", el("select"));
  score.name = "score";
  option(score, "any", "any");
  [1, 2, 3, 4].forEach(function (s) { option(score, String(s), "≤ " + s); });
  var error = labelled(bar, "error", el("select"));
  error.name = "error";
  option(error, "any", "any");
  var classes = {};
  c.examples.forEach(function (e) { if (e.status === "error") classes[e.errorClass || "other"] = true; });
  Object.keys(classes).sort().forEach(function (k) { option(error, k, k); });
  var flaky = labelled(bar, "flaky only", el("input"));
  flaky.type = "checkbox";
  flaky.name = "flaky";
  var search = labelled(bar, "search", el("input"));
  search.type = "search";
  search.name = "search";
  search.placeholder = "id, input, response, reasoning…";
  var count = add(bar, el("span", "note count"));
  var list = add(detail, el("ul", "examples"));
  var more = add(detail, el("button", "more"));
  more.type = "button";
  var shown = [];
  var next = 0;
  function apply() {
    var q = search.value.trim().toLowerCase();
    var max = score.value === "any" ? null : Number(score.value);
    shown = c.examples.filter(function (e) {
      if (verdict.value !== "all" && outcome(e) !== verdict.value) return false;
      if (max !== null && (e.score === null || e.score > max)) return false;
      if (error.value !== "any" && (e.status !== "error" || (e.errorClass || "other") !== error.value)) return false;
      if (flaky.checked && !e.flaky) return false;
      return q === "" || searchText(e).indexOf(q) >= 0;
    });
    list.textContent = "";
    next = 0;
    page();
  }
  function page() {
    var end = Math.min(shown.length, next + PAGE);
    for (; next < end; next++) list.appendChild(exampleRow(shown[next]));
    count.textContent = shown.length + " of " + c.examples.length + " examples";
    more.textContent = "Show " + Math.min(PAGE, shown.length - next) + " more";
    more.classList.toggle("hidden", next >= shown.length);
  }
  [verdict, score, error, flaky].forEach(function (x) { x.addEventListener("change", apply); });
  search.addEventListener("input", apply);
  more.addEventListener("click", page);
  apply();
}

function exampleRow(e) {
  var li = el("li");
  var d = add(li, el("details", "example"));
  var s = add(d, el("summary"));
  var o = outcome(e);
  add(s, el("span", "tag tag-" + o, o), el("span", "", e.score === null ? "no score" : "score " + e.score),
    el("span", "", e.id + (e.repeat ? " #" + e.repeat : "")),
    e.flaky ? el("span", "tag tag-flaky", "flaky") : null,
    e.reason ? el("span", "note", e.reason) : null);
  var built = false;
  d.addEventListener("toggle", function () {
    if (!d.open || built) return;
    built = true;
    d.appendChild(exampleBody(e));
  });
  return li;
}

function block(parent, title, text) {
  add(parent, el("h3", "", title));
  add(parent, el("pre", "", text === undefined || text === null ? "(not recorded)" : text));
}

function exampleBody(e) {
  var b = el("div", "example-body");
  block(b, "Input", e.inputs === undefined ? undefined : JSON.stringify(e.inputs, null, 2));
  add(b, el("h3", "", "Rendered prompt"));
  var messages = e.prompt !== undefined ? data.prompts[e.prompt] : undefined;
  if (!messages) add(b, el("pre", "", "(not recorded)"));
  else messages.forEach(function (m) {
    add(b, el("div", "role", m.role));
    add(b, el("pre", "", m.content));
  });
  block(b, "Response", e.response);
  block(b, "Reference", e.reference);
  add(b, el("h3", "", "Judges"));
  if (e.judges.length === 0) add(b, el("p", "note", "no judge graded this response"));
  e.judges.forEach(function (j) {
    add(b, el("div", "role", j.name + ": " + (j.score === null ? "no score" : "score " + j.score)));
    add(b, el("pre", "", j.explanation || "(no reasoning)"));
  });
  if (e.latencyMs !== undefined) add(b, el("p", "note", "latency " + ms(e.latencyMs)));
  return b;
}
})();
`;

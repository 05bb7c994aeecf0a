/**
 * junit.xml in the shape GitLab's unit-test report reads: one <testsuite> per (feature, model),
 * one <testcase> per cell with classname `feature/model` and the example id as its name
 * (`id#repeat` when the run has repeats). A low score is a <failure> carrying the judge's
 * reasoning, a failed call an <error> naming which call failed, an unscored cell <skipped>.
 *
 * GitLab reads files up to 30 MB and shows the first of two tests with the same name, so
 * names are made unique and every message is bounded: each to `messageLimit` characters,
 * and once `bodyBudget` characters of messages are written, the rest to a short line.
 */
import type { CellRecord } from "../core/types.js";
import type { MatrixEntry } from "../scoring/index.js";
import { truncateText } from "./bounded-text.js";
import { escapeXmlAttribute, escapeXmlText, spellForbiddenXmlChars } from "./xml-text.js";

export const JUNIT_FILE = "junit.xml";
export const JUNIT_MESSAGE_LIMIT = 4000;
export const JUNIT_BODY_BUDGET = 16_000_000;
/** What a message shrinks to once the budget is spent. */
const SPENT_BUDGET_LIMIT = 200;
/** The `message` attribute is the one-line headline; the body holds the full text. */
const HEADLINE_LIMIT = 200;

export interface JUnitOptions {
  /** Name cases `id#repeat` (the run sent each example more than once). */
  repeats: boolean;
  /** The <testsuites> name, e.g. `evalgate demo`. */
  name: string;
  messageLimit?: number;
  bodyBudget?: number;
}

/** Cases are joined into one flat string per this many, so 100k cells stay a few MB. */
const CASES_PER_CHUNK = 256;
/**
 * Held cases start with this instead of `<testcase classname="…" `, put back as each chunk is
 * written: it halves what a pass costs to hold. Escaping drops U+0001, so data never has it.
 */
const CASE_START = "\u0001";

interface SuiteState {
  /** `    <testcase classname="…" ` for this pair, escaped once. */
  open: string;
  chunks: string[];
  pending: string[];
  cases: number;
  /** Names with a `#` in an unrepeated run, the one place two cells could share a name. */
  hashNames: Set<string>;
  failures: number;
  errors: number;
  skipped: number;
  seconds: number;
}

function classnameOf(feature: string, model: string): string {
  return `${feature}/${model}`;
}

function seconds(ms: number | undefined): string {
  return ((ms ?? 0) / 1000).toFixed(3);
}

/** Folds records one at a time (journal order), renders grouped by pair in plan order. */
export class JUnitReportBuilder {
  private readonly suites = new Map<string, SuiteState>();
  private bodyChars = 0;
  private readonly messageLimit: number;
  private readonly bodyBudget: number;

  constructor(private readonly options: JUnitOptions) {
    this.messageLimit = options.messageLimit ?? JUNIT_MESSAGE_LIMIT;
    this.bodyBudget = options.bodyBudget ?? JUNIT_BODY_BUDGET;
  }

  private suite(record: CellRecord): SuiteState {
    const key = `${record.feature}\u0000${record.model}`;
    let state = this.suites.get(key);
    if (!state) {
      state = {
        open: `    <testcase classname="${escapeXmlAttribute(classnameOf(record.feature, record.model))}" `,
        chunks: [],
        pending: [],
        cases: 0,
        hashNames: new Set(),
        failures: 0,
        errors: 0,
        skipped: 0,
        seconds: 0,
      };
      this.suites.set(key, state);
    }
    return state;
  }

  private body(text: string): string {
    const limit = this.bodyChars >= this.bodyBudget ? SPENT_BUDGET_LIMIT : this.messageLimit;
    const bounded = truncateText(text, limit);
    this.bodyChars += bounded.length;
    return bounded;
  }

  /**
   * Cell ids are unique per pair, and ids are spelled injectively, so `id` (one repeat) and
   * `id#repeat` (a number after the last `#`) are unique names — except when a record has a
   * repeat in a run folder that records none and another id happens to read `id#n`.
   */
  private uniqueName(state: SuiteState, record: CellRecord): string {
    const id = spellForbiddenXmlChars(record.exampleId);
    if (this.options.repeats) return `${id}#${record.repeat}`;
    const base = record.repeat > 0 ? `${id}#${record.repeat}` : id;
    if (!base.includes("#")) return base;
    let name = base;
    for (let i = 2; state.hashNames.has(name); i++) name = `${base} (${i})`;
    state.hashNames.add(name);
    return name;
  }

  add(record: CellRecord): void {
    const state = this.suite(record);
    const name = this.uniqueName(state, record);
    state.seconds += (record.latencyMs ?? 0) / 1000;
    const open = `${CASE_START}name="${escapeXmlAttribute(name)}" time="${seconds(record.latencyMs)}"`;
    const inner = this.outcome(state, record);
    state.pending.push(inner === "" ? `${open}/>\n` : `${open}>${inner}</testcase>\n`);
    state.cases++;
    if (state.pending.length >= CASES_PER_CHUNK) {
      state.chunks.push(state.pending.join(""));
      state.pending = [];
    }
  }

  private outcome(state: SuiteState, record: CellRecord): string {
    if (record.status === "scored") {
      const score = record.score ?? 0;
      if (score >= 3) return "";
      state.failures++;
      const headline = `score ${score} of 4 (a pass needs 3)${record.judge ? `, judged by ${record.judge}` : ""}`;
      const reasoning = record.judgeExplanation ?? "(the judge gave no reasoning)";
      return `<failure type="low_score" message="${escapeXmlAttribute(headline)}">${escapeXmlText(this.body(`${headline}\n${reasoning}`))}</failure>`;
    }
    if (record.status === "error") {
      state.errors++;
      const errorClass = record.errorClass ?? "error";
      const who =
        record.failedStage === "judge"
          ? `the judge${record.judge ? ` ${record.judge}` : ""} failed, not the model under test`
          : `the call to the model under test (${record.model}) failed`;
      const headline = `${errorClass}: ${who}`;
      const full = `${headline}\n${record.reason ?? "(no message)"}`;
      return `<error type="${escapeXmlAttribute(errorClass)}" message="${escapeXmlAttribute(truncateText(headline, HEADLINE_LIMIT))}">${escapeXmlText(this.body(full))}</error>`;
    }
    state.skipped++;
    const why = `unscored: ${record.reason ?? "no usable score"}`;
    return `<skipped message="${escapeXmlAttribute(this.body(why))}"/>`;
  }

  /** The XML document, suites in the order of `entries` (the plan's), empty suites included. */
  render(entries: readonly MatrixEntry[]): string {
    return [...this.renderChunks(entries)].join("");
  }

  /** The same document in pieces, to write without building one large string. */
  *renderChunks(entries: readonly MatrixEntry[]): Generator<string> {
    const suites = entries.map((e) => ({
      entry: e,
      state: this.suites.get(`${e.feature}\u0000${e.model}`),
    }));
    const total = (pick: (s: SuiteState) => number) =>
      suites.reduce((sum, { state }) => sum + (state ? pick(state) : 0), 0);
    yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${escapeXmlAttribute(this.options.name)}" tests="${total((s) => s.cases)}" failures="${total((s) => s.failures)}" errors="${total((s) => s.errors)}" skipped="${total((s) => s.skipped)}" time="${total((s) => s.seconds).toFixed(3)}">\n`;
    for (const { entry: e, state: s } of suites) {
      const properties = [
        ["verdict", e.verdict],
        ["pass_rate", e.passRate === null ? "none" : e.passRate.toFixed(4)],
        ["threshold", e.threshold.toFixed(4)],
        ["judge", e.judges.join(", ") || "none"],
        ["missing_cells", String(e.missing)],
      ]
        .map(([k, v]) => `<property name="${k}" value="${escapeXmlAttribute(v!)}"/>`)
        .join("");
      yield `  <testsuite name="${escapeXmlAttribute(classnameOf(e.feature, e.model))}" tests="${s?.cases ?? 0}" failures="${s?.failures ?? 0}" errors="${s?.errors ?? 0}" skipped="${s?.skipped ?? 0}" time="${(s?.seconds ?? 0).toFixed(3)}">\n    <properties>${properties}</properties>\n`;
      if (s) {
        for (const chunk of [...s.chunks, s.pending.join("")]) {
          yield chunk.replaceAll(CASE_START, s.open);
        }
      }
      yield "  </testsuite>\n";
    }
    yield "</testsuites>\n";
  }
}

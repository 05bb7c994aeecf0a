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
import { dropForbiddenXmlChars, escapeXmlAttribute, escapeXmlText } from "./xml-text.js";

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

interface SuiteState {
  cases: string[];
  names: Set<string>;
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
      state = { cases: [], names: new Set(), failures: 0, errors: 0, skipped: 0, seconds: 0 };
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

  private uniqueName(state: SuiteState, record: CellRecord): string {
    const base = dropForbiddenXmlChars(
      this.options.repeats || record.repeat > 0
        ? `${record.exampleId}#${record.repeat}`
        : record.exampleId,
    );
    let name = base;
    for (let i = 2; state.names.has(name); i++) name = `${base} (${i})`;
    state.names.add(name);
    return name;
  }

  add(record: CellRecord): void {
    const state = this.suite(record);
    const name = this.uniqueName(state, record);
    state.seconds += (record.latencyMs ?? 0) / 1000;
    const open = `<testcase classname="${escapeXmlAttribute(classnameOf(record.feature, record.model))}" name="${escapeXmlAttribute(name)}" time="${seconds(record.latencyMs)}"`;
    const inner = this.outcome(state, record);
    state.cases.push(inner === "" ? `${open}/>` : `${open}>${inner}</testcase>`);
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
    const parts: string[] = [];
    let tests = 0;
    let failures = 0;
    let errors = 0;
    let skipped = 0;
    let time = 0;
    for (const e of entries) {
      const s = this.suites.get(`${e.feature}\u0000${e.model}`) ?? {
        cases: [],
        names: new Set<string>(),
        failures: 0,
        errors: 0,
        skipped: 0,
        seconds: 0,
      };
      tests += s.cases.length;
      failures += s.failures;
      errors += s.errors;
      skipped += s.skipped;
      time += s.seconds;
      const name = escapeXmlAttribute(classnameOf(e.feature, e.model));
      const properties = [
        ["verdict", e.verdict],
        ["pass_rate", e.passRate === null ? "none" : e.passRate.toFixed(4)],
        ["threshold", e.threshold.toFixed(4)],
        ["judge", e.judges.join(", ") || "none"],
        ["missing_cells", String(e.missing)],
      ]
        .map(([k, v]) => `<property name="${k}" value="${escapeXmlAttribute(v!)}"/>`)
        .join("");
      parts.push(
        `  <testsuite name="${name}" tests="${s.cases.length}" failures="${s.failures}" errors="${s.errors}" skipped="${s.skipped}" time="${s.seconds.toFixed(3)}">\n    <properties>${properties}</properties>\n${s.cases.map((c) => `    ${c}\n`).join("")}  </testsuite>\n`,
      );
    }
    return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${escapeXmlAttribute(this.options.name)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time.toFixed(3)}">\n${parts.join("")}</testsuites>\n`;
  }
}

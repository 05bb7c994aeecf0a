/**
 * The data report.html embeds: the matrix from the scoring stage, plus, per (feature, model)
 * pair, the examples to read (worst first) and the rendered prompts they name.
 *
 * Records are folded in one at a time as the journal streams past. Memory and file size stay
 * bounded: each pair keeps at most `maxExamplesPerCell` examples (the worst ones), trimmed
 * whenever twice that many are held, and only the prompts those examples name are read.
 */
import type { CellRecord, CellStatus, ChatMessage, JurorScore } from "../../core/types.js";
import { forEachStoredPrompt, promptsPathIn, type RunManifest } from "../../runner/index.js";
import type { MatrixEntry } from "../../scoring/index.js";

/** Examples embedded per pair by default: enough to read, bounded for a 100k-cell run. */
export const MAX_EXAMPLES_PER_CELL = 1000;

export interface ReportExample {
  id: string;
  repeat: number;
  status: CellStatus;
  score: number | null;
  passed: boolean | null;
  reason?: string;
  errorClass?: string;
  inputs?: Record<string, unknown>;
  reference?: string;
  response?: string;
  /** Key into ReportData.prompts. */
  prompt?: string;
  judges: JurorScore[];
  latencyMs?: number;
  /** Its repeats in this pair disagree (some pass, some fail). */
  flaky: boolean;
}

export interface ReportCell {
  feature: string;
  model: string;
  verdict: MatrixEntry["verdict"];
  passRate: number | null;
  interval: { low: number; high: number } | null;
  threshold: number;
  yellowBand: number;
  gated: boolean;
  n: number;
  scored: number;
  unscored: number;
  errors: number;
  missing: number;
  /** Examples whose repeats disagree. */
  flaky: number;
  meanScore: number | null;
  histogram: Record<string, number>;
  costUsd: number | null;
  inputTokens: number;
  outputTokens: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  judge: string | null;
  promptFile: string | null;
  promptVersion: string | null;
  /** Records of this pair in the journal; `examples` holds the worst of them. */
  recorded: number;
  examples: ReportExample[];
}

export interface ReportData {
  title: string;
  runId: string;
  suite: string;
  startedAt: string;
  finishedAt: string | null;
  complete: boolean;
  shard: string | null;
  features: string[];
  models: string[];
  cells: ReportCell[];
  /** Rendered messages by hash, for the examples embedded. */
  prompts: Record<string, ChatMessage[]>;
  maxExamplesPerCell: number;
}

/** Lower is worse: errors, then unscored, then scores from 1 up. */
function severity(e: ReportExample): number {
  if (e.status === "error") return 0;
  if (e.status === "unscored" || e.score === null) return 1;
  return 1 + e.score;
}

function worstFirst(a: ReportExample, b: ReportExample): number {
  return (
    severity(a) - severity(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) || a.repeat - b.repeat
  );
}

/** Old journals (before `judges`) have one judge in `judge` / `judgeExplanation`. */
function judgesOf(r: CellRecord): JurorScore[] {
  if (Array.isArray(r.judges)) return r.judges;
  if (r.judge === undefined) return [];
  return [{ name: r.judge, score: r.score ?? null, explanation: r.judgeExplanation ?? "" }];
}

function exampleOf(r: CellRecord): ReportExample {
  const e: ReportExample = {
    id: r.exampleId,
    repeat: r.repeat,
    status: r.status,
    score: r.score ?? null,
    passed: r.passed ?? null,
    judges: judgesOf(r),
    flaky: false,
  };
  if (r.reason !== undefined) e.reason = r.reason;
  if (r.errorClass !== undefined) e.errorClass = r.errorClass;
  if (r.inputs !== undefined) e.inputs = r.inputs;
  if (r.reference !== undefined) e.reference = r.reference;
  if (r.response !== undefined) e.response = r.response;
  if (r.promptHash !== undefined) e.prompt = r.promptHash;
  if (r.latencyMs !== undefined) e.latencyMs = r.latencyMs;
  return e;
}

interface PairExamples {
  examples: ReportExample[];
  recorded: number;
  judge: string | null;
  /** Per example: bit 1 = some repeat passed, bit 2 = some repeat failed. */
  outcomes: Map<string, number>;
}

/** The run's repeats per example from run.json, when it says. */
function repeatsOf(manifest: RunManifest | undefined): number | undefined {
  const resolved = manifest?.config.resolved as { selection?: { repeats?: unknown } } | undefined;
  const repeats = resolved?.selection?.repeats;
  return typeof repeats === "number" ? repeats : undefined;
}

const pairKey = (feature: string, model: string) => `${feature}\u0000${model}`;

export class ReportDataCollector {
  private readonly pairs = new Map<string, PairExamples>();
  private readonly cap: number;

  /** False when the run has one repeat per example: nothing can be flaky, so nothing is tracked. */
  private readonly trackFlaky: boolean;

  constructor(options: { maxExamplesPerCell?: number; manifest?: RunManifest } = {}) {
    this.cap = Math.max(1, options.maxExamplesPerCell ?? MAX_EXAMPLES_PER_CELL);
    this.trackFlaky = repeatsOf(options.manifest) !== 1;
  }

  add(record: CellRecord): void {
    const key = pairKey(record.feature, record.model);
    let pair = this.pairs.get(key);
    if (!pair) {
      pair = { examples: [], recorded: 0, judge: null, outcomes: new Map() };
      this.pairs.set(key, pair);
    }
    pair.recorded++;
    if (pair.judge === null && record.judge !== undefined) pair.judge = record.judge;
    if (this.trackFlaky && record.status === "scored" && record.score !== undefined) {
      const bit = record.score >= 3 ? 1 : 2;
      pair.outcomes.set(record.exampleId, (pair.outcomes.get(record.exampleId) ?? 0) | bit);
    }
    pair.examples.push(exampleOf(record));
    if (pair.examples.length >= 2 * this.cap) {
      pair.examples.sort(worstFirst);
      pair.examples.length = this.cap;
    }
  }

  /** The report data for `entries` (the matrix of the same records), with prompts read from the run folder. */
  async finish(outDir: string, manifest: RunManifest, entries: MatrixEntry[]): Promise<ReportData> {
    const planned = new Map(
      ((manifest.pairs ?? []) as Record<string, unknown>[]).map((p) => [
        pairKey(String(p.feature), String(p.model)),
        p,
      ]),
    );
    const wanted = new Set<string>();
    const cells = entries.map((entry): ReportCell => {
      const key = pairKey(entry.feature, entry.model);
      const pair = this.pairs.get(key);
      const plan = planned.get(key);
      const examples = (pair?.examples ?? []).sort(worstFirst).slice(0, this.cap);
      let flaky = 0;
      for (const bits of pair?.outcomes.values() ?? []) if (bits === 3) flaky++;
      for (const e of examples) {
        e.flaky = pair?.outcomes.get(e.id) === 3;
        if (e.prompt !== undefined) wanted.add(e.prompt);
      }
      return {
        feature: entry.feature,
        model: entry.model,
        verdict: entry.verdict,
        passRate: entry.passRate,
        interval: entry.interval ? { low: entry.interval.low, high: entry.interval.high } : null,
        threshold: entry.threshold,
        yellowBand: entry.yellowBand,
        gated: entry.gated,
        n: entry.n,
        scored: entry.scored,
        unscored: entry.unscored,
        errors: entry.errors,
        missing: entry.missing,
        flaky,
        meanScore: entry.meanScore,
        histogram: entry.histogram,
        costUsd: entry.costUsd,
        inputTokens: entry.inputTokens,
        outputTokens: entry.outputTokens,
        latencyP50Ms: entry.latencyP50Ms,
        latencyP95Ms: entry.latencyP95Ms,
        judge: pair?.judge ?? null,
        promptFile: typeof plan?.promptFile === "string" ? plan.promptFile : null,
        promptVersion: typeof plan?.promptVersion === "string" ? plan.promptVersion : null,
        recorded: pair?.recorded ?? 0,
        examples,
      };
    });
    const prompts: Record<string, ChatMessage[]> = {};
    await forEachStoredPrompt(promptsPathIn(outDir), (p) => {
      if (wanted.has(p.hash)) prompts[p.hash] = p.messages;
    });
    const suite = String(manifest.suite ?? "suite");
    return {
      title: `evalgate report: ${suite}`,
      runId: manifest.runId,
      suite,
      startedAt: String(manifest.startedAt ?? manifest.createdAt ?? ""),
      finishedAt: typeof manifest.finishedAt === "string" ? manifest.finishedAt : null,
      complete: manifest.complete === true,
      shard: manifest.shard ?? null,
      features: [...new Set(entries.map((e) => e.feature))],
      models: [...new Set(entries.map((e) => e.model))],
      cells,
      prompts,
      maxExamplesPerCell: this.cap,
    };
  }
}

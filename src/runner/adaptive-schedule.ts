/**
 * `run --adaptive`: each (feature, model) walks its feature's examples in a seeded random
 * order and stops being sent new examples once the rule (statistics live in src/scoring;
 * the CLI passes them in) says the full run's verdict is settled. The cells it never sends
 * still end in one terminal record each, `skipped` with the stop that decided them, so the
 * journal stays complete, resumable and the only source of reports.
 *
 * Only the results of an unbroken prefix of the random order are folded in, in order:
 * calls finish out of order (a slow answer may be a bad one), and the guarantee needs the
 * outcomes seen in the order the randomisation fixed. A pair is sent at most `window`
 * examples past its folded prefix, so a stop decided on the prefix's n-th example has sent
 * examples up to n − 1 + window; those are always completed and the rest skipped, so which
 * cells an adaptive run sends depends on the seed and the results, never on timing (a
 * resumed run ends in the same records), and a stop wastes at most window − 1 examples.
 */
import type { AdaptiveStop, CatalogModel, CellRecord, Example } from "../core/types.js";
import { cellIdentityOf, makeCell, type PlannedCell } from "./plan-cells.js";
import type { PlannedPair, SuitePlan } from "./suite-plan.js";

export interface AdaptiveRule {
  seed: number;
  confidence: number;
  /** The feature's examples in this run's random order (same for every model). */
  order(examples: readonly Example[], feature: string): Example[];
  /** One example's outcome (0 or 1) from its scored repeats' scores. */
  outcome(scores: readonly number[], repeats: number): number;
  /** The stop when `passed` of the first `n` of `examples` settle the verdict, else null. */
  settle(pair: PlannedPair, passed: number, n: number, examples: number): AdaptiveStop | null;
}

interface PendingExample {
  records: number;
  scores: number[];
  /** A repeat ended unscored or in error. */
  broken: boolean;
}

interface PairProgress {
  pair: PlannedPair;
  examples: readonly Example[];
  indexOf: ReadonlyMap<string, number>;
  window: number;
  /** Next example index to schedule. */
  cursor: number;
  /** Examples folded in (an unbroken prefix of the order), and their passes. */
  prefix: number;
  passed: number;
  /** Examples at or after the prefix with some records. */
  pending: Map<number, PendingExample>;
  stop: AdaptiveStop | undefined;
  /**
   * An example had no clean outcome (an error or unscored repeat), or the verdict is not a
   * point verdict: the pair runs in full, since the full run's rate is then not a quantity
   * the random order alone can pin down.
   */
  runsInFull: boolean;
}

export interface AdaptiveScheduleOptions {
  features: readonly { id: string; examples: readonly Example[] }[];
  pairs: readonly PlannedPair[];
  repeats: number;
  rule: AdaptiveRule;
  /** Examples of one pair in flight at once. */
  windowFor(pair: PlannedPair, examples: number): number;
  /** Cells an earlier session finished (resume): never sent again. */
  finished: ReadonlySet<string>;
}

export class AdaptiveSchedule {
  private readonly pairs = new Map<string, PairProgress>();
  private readonly skips = new WeakMap<PlannedCell, AdaptiveStop>();
  private waiters: (() => void)[] = [];

  constructor(private readonly options: AdaptiveScheduleOptions) {
    const featureOf = new Map(options.features.map((f) => [f.id, f]));
    const ordered = new Map<string, { examples: Example[]; indexOf: Map<string, number> }>();
    for (const pair of options.pairs) {
      const feature = featureOf.get(pair.feature);
      if (!feature) continue;
      let order = ordered.get(pair.feature);
      if (!order) {
        const examples = options.rule.order(feature.examples, feature.id);
        order = { examples, indexOf: new Map(examples.map((e, i) => [e.id, i])) };
        ordered.set(pair.feature, order);
      }
      this.pairs.set(`${pair.feature}\u0000${pair.model}`, {
        pair,
        examples: order.examples,
        indexOf: order.indexOf,
        window: Math.max(1, options.windowFor(pair, order.examples.length)),
        cursor: 0,
        prefix: 0,
        passed: 0,
        pending: new Map(),
        stop: undefined,
        runsInFull: pair.verdictPolicy !== "point",
      });
    }
  }

  /** The stop per pair so far (for tests and progress). */
  stops(): Map<string, AdaptiveStop | undefined> {
    return new Map(
      [...this.pairs.values()].map((p) => [`${p.pair.feature}/${p.pair.model}`, p.stop]),
    );
  }

  /** Feeds one terminal record: from the journal on resume, then as each cell finishes. */
  observe(record: CellRecord): void {
    const progress = this.pairs.get(`${record.feature}\u0000${record.model}`);
    if (!progress) return;
    if (record.status === "skipped") {
      progress.stop ??= record.adaptiveStop;
      this.wake();
      return;
    }
    const index = progress.indexOf.get(record.exampleId);
    if (index === undefined || index < progress.prefix) return;
    let pending = progress.pending.get(index);
    if (!pending) {
      pending = { records: 0, scores: [], broken: false };
      progress.pending.set(index, pending);
    }
    pending.records++;
    if (record.status === "scored" && record.score !== undefined) pending.scores.push(record.score);
    else pending.broken = true;
    this.fold(progress);
    this.wake();
  }

  /** Folds finished examples at the head of the order, checking the rule after each. */
  private fold(progress: PairProgress): void {
    const { repeats, rule } = this.options;
    const total = progress.examples.length;
    for (;;) {
      const head = progress.pending.get(progress.prefix);
      if (!head || head.records < repeats) return;
      progress.pending.delete(progress.prefix);
      progress.prefix++;
      if (head.broken || head.scores.length === 0) progress.runsInFull = true;
      else progress.passed += rule.outcome(head.scores, repeats);
      if (
        progress.stop === undefined &&
        !progress.runsInFull &&
        progress.prefix >= progress.pair.minScored &&
        progress.prefix < total
      ) {
        const stop = rule.settle(progress.pair, progress.passed, progress.prefix, total);
        if (stop) progress.stop = stop;
      }
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The `skipped` record for a cell the schedule decided not to send, else undefined. */
  skipRecordFor(cell: PlannedCell): CellRecord | undefined {
    const stop = this.skips.get(cell);
    if (!stop) return undefined;
    return {
      ...cellIdentityOf(cell),
      status: "skipped",
      reason: "adaptive_stop",
      adaptiveStop: stop,
      finishedAt: new Date().toISOString(),
    };
  }

  /**
   * Every planned cell not finished earlier, pairs taken in turn, each pair at most
   * `window` examples ahead of its folded results. Cells of a stopped pair past that window
   * come out marked for `skipRecordFor`. Ends early when `signal` aborts.
   */
  async *cells(signal?: AbortSignal): AsyncGenerator<PlannedCell> {
    const onAbort = () => this.wake();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const { repeats, finished } = this.options;
      for (;;) {
        if (signal?.aborted) return;
        let moved = false;
        let unfinished = false;
        for (const progress of this.pairs.values()) {
          if (progress.cursor >= progress.examples.length) continue;
          unfinished = true;
          const ahead = progress.cursor - progress.prefix;
          if (progress.stop === undefined && ahead >= progress.window) continue;
          const index = progress.cursor++;
          moved = true;
          const example = progress.examples[index]!;
          const { feature, model } = progress.pair;
          const cells: PlannedCell[] = [];
          for (let repeat = 0; repeat < repeats; repeat++) {
            const cell = makeCell(feature, model, example, repeat);
            if (!finished.has(cell.cellId)) cells.push(cell);
          }
          if (cells.length === 0) continue;
          // An example an earlier session started is finished, never cut off half-repeated;
          // one inside the window at the stop was (or may have been) sent before it: sent.
          const started = cells.length < repeats || progress.pending.has(index);
          const stop = progress.stop;
          const sent = started || !stop || index < stop.afterExamples - 1 + progress.window;
          if (!sent) for (const cell of cells) this.skips.set(cell, stop);
          for (const cell of cells) yield cell;
        }
        if (!unfinished) return;
        if (!moved) await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }
}

/**
 * The adaptive schedule over the plan. It holds every planned example of the run in memory
 * (the random order needs them all), which a plain run never does.
 */
export async function scheduleAdaptively(
  plan: SuitePlan,
  rule: AdaptiveRule,
  modelOf: ReadonlyMap<string, CatalogModel>,
  finished: ReadonlySet<string>,
): Promise<AdaptiveSchedule> {
  const features: { id: string; examples: Example[] }[] = [];
  for (const f of plan.features) {
    const examples: Example[] = [];
    for await (const e of plan.datasets.get(f.id)!.read()) examples.push(e);
    features.push({ id: f.id, examples });
  }
  return new AdaptiveSchedule({
    features,
    pairs: plan.pairs,
    repeats: plan.repeats,
    rule,
    // Deep enough per pair to keep its model's share of concurrency busy, shallow enough
    // that an early stop wastes at most ~2% of the pair's examples.
    windowFor: (pair, examples) => {
      const concurrency = modelOf.get(pair.model)?.limits.concurrency ?? 1;
      const share = Math.ceil((2 * concurrency) / Math.max(1, plan.features.length));
      return Math.min(share, Math.ceil(examples / 50));
    },
    finished,
  });
}

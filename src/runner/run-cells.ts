/**
 * The run loop: pulls planned cells lazily, keeps a bounded number in flight (enough to keep
 * every endpoint queue busy, never 100k promises at once), journals each record before it
 * counts as done, reports progress, and stops cleanly on Ctrl-C.
 */
import type { CellRecord, CellStatus } from "../core/types.js";
import { sleep } from "./abort-signals.js";
import type { JournalSink } from "./journal.js";
import { cellIdentityOf, type PlannedCell } from "./plan-cells.js";
import type { BackoffState } from "./retry-policy.js";

export interface RunProgress {
  /** Records written in this session. */
  done: number;
  /** Cells planned for this session including skipped ones, when known. */
  total: number | undefined;
  /** Cells skipped because a previous session finished them. */
  skipped: number;
  inFlight: number;
  scored: number;
  unscored: number;
  errors: number;
  /** Records per second since the loop started. */
  ratePerSecond: number;
  /** Estimated time to finish, when `total` is known and something has finished. */
  etaMs: number | undefined;
  elapsedMs: number;
  backoff: BackoffState | undefined;
  /** The longest Retry-After pause an endpoint is in now, when known. */
  pausedForMs?: number;
  /** True once an interruption was requested: in-flight cells are finishing. */
  stopping: boolean;
}

export interface RunCellsOptions {
  cells: AsyncIterable<PlannedCell> | Iterable<PlannedCell>;
  /** Usually `createCellExecutor(...)`. Rejecting when `signal` aborted means "no record". */
  execute(cell: PlannedCell, signal: AbortSignal): Promise<CellRecord>;
  journal: JournalSink;
  total?: number;
  /** Cells already finished by an earlier session (for progress only). */
  skipped?: number;
  /** Cells in flight at once; use `inFlightLimitFor`. Default 64. */
  maxInFlight?: number;
  /** Aborting stops the run: no new cells, in-flight ones get `graceMs` to finish. */
  signal?: AbortSignal;
  /** Default 10 s. */
  graceMs?: number;
  onProgress?(progress: RunProgress): void;
  /** Shown in progress events, e.g. `() => retryPolicy.state()`. */
  backoff?(): BackoffState;
  /** Shown in progress events: the longest endpoint pause now, e.g. from the queues. */
  pausedForMs?(): number;
  now?: () => number;
}

export interface RunCellsResult {
  /** True when the signal stopped the run before every cell finished. */
  interrupted: boolean;
  done: number;
  scored: number;
  unscored: number;
  errors: number;
  /** In-flight cells cancelled after the grace period; they run on resume. */
  cancelled: number;
  /** `skipped` records: cells an adaptive run decided not to send. */
  stopped: number;
  elapsedMs: number;
}

/** Enough cells in flight to saturate every endpoint: twice the sum of their concurrencies. */
export function inFlightLimitFor(concurrencies: Iterable<number>): number {
  let sum = 0;
  for (const c of concurrencies) sum += Math.max(1, c);
  return Math.max(1, sum * 2);
}

function errorRecordFor(cell: PlannedCell, err: unknown): CellRecord {
  const message = err instanceof Error ? err.message : String(err);
  return {
    ...cellIdentityOf(cell),
    status: "error",
    reason: `cell failed: ${message}`,
    finishedAt: new Date().toISOString(),
  };
}

const STATUSES: ReadonlySet<CellStatus> = new Set(["scored", "unscored", "error", "skipped"]);

export async function runCells(options: RunCellsOptions): Promise<RunCellsResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const maxInFlight = Math.max(1, options.maxInFlight ?? 64);
  const graceMs = options.graceMs ?? 10_000;
  // One controller per in-flight cell rather than one signal shared by all: every queue wait,
  // backoff sleep and call adds and removes an abort listener, and listener bookkeeping on an
  // EventTarget is linear in its listeners, so hundreds of cells on one signal cost real CPU.
  const cellControllers = new Set<AbortController>();
  let cancelReason: unknown;
  const inFlight = new Set<Promise<void>>();
  const counts = { done: 0, scored: 0, unscored: 0, errors: 0, cancelled: 0, stopped: 0 };
  let stopping = options.signal?.aborted ?? false;
  let closed = false;
  let fatal: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onAbort = () => {
    stopping = true;
    emit();
    notify();
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });

  function emit(): void {
    if (!options.onProgress) return;
    const elapsedMs = now() - started;
    const rate = elapsedMs > 0 ? (counts.done * 1000) / elapsedMs : 0;
    const remaining =
      options.total === undefined
        ? undefined
        : options.total - (options.skipped ?? 0) - counts.done;
    options.onProgress({
      done: counts.done,
      total: options.total,
      skipped: options.skipped ?? 0,
      inFlight: inFlight.size,
      scored: counts.scored,
      unscored: counts.unscored,
      errors: counts.errors,
      ratePerSecond: rate,
      etaMs:
        remaining !== undefined && rate > 0 ? (Math.max(0, remaining) / rate) * 1000 : undefined,
      elapsedMs,
      backoff: options.backoff?.(),
      ...(options.pausedForMs ? { pausedForMs: options.pausedForMs() } : {}),
      stopping,
    });
  }

  async function settle(cell: PlannedCell): Promise<void> {
    const controller = new AbortController();
    if (cancelReason !== undefined) controller.abort(cancelReason);
    cellControllers.add(controller);
    try {
      await settleWith(cell, controller.signal);
    } finally {
      cellControllers.delete(controller);
    }
  }

  async function settleWith(cell: PlannedCell, signal: AbortSignal): Promise<void> {
    let record: CellRecord;
    try {
      record = await options.execute(cell, signal);
      if (!record || !STATUSES.has(record.status)) {
        record = errorRecordFor(cell, new Error(`executor returned no valid record`));
      }
    } catch (err) {
      if (signal.aborted) {
        counts.cancelled++;
        return;
      }
      record = errorRecordFor(cell, err);
    }
    if (closed) return;
    // The identity always comes from the plan, so a faulty executor cannot mislabel a cell.
    const { cellId, feature, model, exampleId, repeat } = cell;
    if (
      record.cellId !== cellId ||
      record.feature !== feature ||
      record.model !== model ||
      record.exampleId !== exampleId ||
      record.repeat !== repeat
    ) {
      record = { ...record, cellId, feature, model, exampleId, repeat };
    }
    try {
      await options.journal.append(record);
    } catch (err) {
      fatal ??= err;
      stopping = true;
      return;
    }
    counts.done++;
    if (record.status === "scored") counts.scored++;
    else if (record.status === "unscored") counts.unscored++;
    else if (record.status === "skipped") counts.stopped++;
    else counts.errors++;
    emit();
  }

  function start(cell: PlannedCell): void {
    const task = settle(cell).finally(() => {
      inFlight.delete(task);
      notify();
    });
    inFlight.add(task);
  }

  const iterator = toAsyncIterator(options.cells);
  let exhausted = false;
  try {
    emit();
    while (!stopping) {
      if (inFlight.size >= maxInFlight) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      const next = await iterator.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      if (stopping) break; // the cell just pulled has no record and runs on resume
      start(next.value);
    }
  } finally {
    if (!exhausted) await iterator.return?.();
  }

  // Every planned cell has started: wait for them, but a Ctrl-C now must still apply the
  // grace period and cancel, or long calls would hold the run (and exit 0) past it.
  while (!stopping && inFlight.size > 0) {
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  if (stopping && inFlight.size > 0) {
    // The caps' timers are cancelled once raced, or they keep the process alive for graceMs.
    const caps = new AbortController();
    const cap = (ms: number) => sleep(ms, caps.signal).catch(() => {});
    await Promise.race([Promise.allSettled(inFlight), cap(graceMs)]);
    cancelReason = new DOMException("run interrupted", "AbortError");
    for (const controller of cellControllers) controller.abort(cancelReason);
    // Executors honour the signal; the cap only guards against one that does not.
    await Promise.race([Promise.allSettled(inFlight), cap(2_000)]);
    caps.abort();
    counts.cancelled += inFlight.size;
  } else {
    await Promise.allSettled(inFlight);
  }
  closed = true;
  options.signal?.removeEventListener("abort", onAbort);
  if (fatal) throw fatal;
  emit();
  return {
    interrupted: stopping && (!exhausted || counts.cancelled > 0),
    ...counts,
    elapsedMs: now() - started,
  };
}

function toAsyncIterator<T>(source: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> {
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  const sync = source[Symbol.iterator]();
  return {
    next: async () => sync.next(),
    return: async () => sync.return?.() ?? { done: true, value: undefined },
  };
}

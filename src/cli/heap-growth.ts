/**
 * How far V8 lets the heap grow between full collections, for the evalgate process.
 *
 * A run holds little: datasets and records are streamed, so the live heap stays near 40 MB
 * whatever the dataset size. But every model call through an SDK leaves tens of kilobytes of
 * garbage, and at hundreds of calls per second V8's default policy lets the old generation
 * grow to about four times the live heap before collecting it: peak RSS near 280 MB for a
 * 100,000-example run that needs a seventh of that. Growing by at most 2.5× instead keeps the
 * peak near 200 MB for a few percent of CPU (bench/memory-100k.ts and
 * bench/throughput-vs-bare-loop.ts measure both with this setting).
 *
 * This is no cap: a run that needs more live memory gets it, growing by 2.5× at a time. An
 * explicit `--heap-growing-percent` in the node flags or NODE_OPTIONS wins.
 */
import { setFlagsFromString } from "node:v8";

export const HEAP_GROWING_PERCENT = 150;

const FLAG = /--heap[-_]growing[-_]percent\b/;

/** Applies evalgate's growth policy unless the user set their own; returns the percent used. */
export function tuneHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env["NODE_OPTIONS"],
): number | undefined {
  if (execArgv.some((arg) => FLAG.test(arg)) || FLAG.test(nodeOptions ?? "")) return undefined;
  setHeapGrowingPercent(HEAP_GROWING_PERCENT);
  return HEAP_GROWING_PERCENT;
}

/** Sets V8's growth factor to 1 + percent/100 from the next full collection on; 0 restores V8's own policy. */
export function setHeapGrowingPercent(percent: number): void {
  setFlagsFromString(`--heap-growing-percent=${Math.max(0, Math.round(percent))}`);
}

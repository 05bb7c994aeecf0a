/**
 * Runs every runner benchmark in sequence, each in its own process, and exits non-zero if
 * any failed. Takes about 6–8 minutes on a 2-core machine (the 100k memory run is most of it).
 *
 *   npx tsx bench/run-all.ts              # all
 *   npx tsx bench/run-all.ts latency-bound throughput-vs-bare-loop    # some
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BENCHMARKS = [
  "latency-bound",
  "throughput-vs-bare-loop",
  "rate-limited-goodput",
  "memory-100k",
  "render-check-100k",
  "adaptive",
  "html-report",
];
const TSX = fileURLToPath(new URL("../node_modules/.bin/tsx", import.meta.url));
const chosen = process.argv.length > 2 ? process.argv.slice(2) : BENCHMARKS;
const failed: string[] = [];
for (const name of chosen) {
  if (!BENCHMARKS.includes(name)) {
    process.stderr.write(`unknown benchmark "${name}"; known: ${BENCHMARKS.join(", ")}\n`);
    process.exit(2);
  }
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  process.stdout.write(`\n$ npx tsx bench/${name}.ts\n`);
  const started = Date.now();
  const { status } = spawnSync(TSX, [file], { stdio: "inherit" });
  process.stdout.write(`(${name}: ${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  if (status !== 0) failed.push(name);
}
process.stdout.write(
  failed.length === 0 ? "\nall benchmarks passed\n" : `\nFAILED: ${failed.join(", ")}\n`,
);
process.exitCode = failed.length === 0 ? 0 : 1;

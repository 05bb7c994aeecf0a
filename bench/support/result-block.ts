/** The one result format every benchmark prints, and its exit code. */

export interface BenchResult {
  name: string;
  measured: string;
  ideal: string;
  ratio: number;
  /** e.g. "ratio <= 1.15" */
  target: string;
  pass: boolean;
  /** Extra lines (how it was measured, counts, sanity checks). */
  notes?: string[];
}

export function printResult(result: BenchResult): void {
  const lines = [
    `== ${result.name}`,
    `measured: ${result.measured}`,
    `ideal:    ${result.ideal}`,
    `ratio:    ${result.ratio.toFixed(3)}`,
    `target:   ${result.target}`,
    ...(result.notes ?? []).map((n) => `note:     ${n}`),
    `result:   ${result.pass ? "PASS" : "FAIL"}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

/** Prints the block and sets the exit code: non-zero on FAIL. */
export function report(result: BenchResult): void {
  printResult(result);
  if (!result.pass) process.exitCode = 1;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

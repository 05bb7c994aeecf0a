import type { MatrixEntry } from "./matrix.js";
import { verdictPasses } from "./verdict.js";

export interface GateOutcome {
  /** True when the suite gates and at least one gated entry failed. */
  failed: boolean;
  failures: MatrixEntry[];
}

/**
 * A gated suite fails when any gated (feature, model) is red or insufficient; yellow passes
 * unless `allowYellow` is false. An ungated suite never fails the gate.
 */
export function evaluateGate(
  entries: readonly MatrixEntry[],
  options: { gate: boolean; allowYellow: boolean },
): GateOutcome {
  if (!options.gate) return { failed: false, failures: [] };
  const failures = entries.filter((e) => e.gated && !verdictPasses(e.verdict, options.allowYellow));
  return { failed: failures.length > 0, failures };
}

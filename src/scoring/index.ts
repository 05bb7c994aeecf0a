export { evaluateGate, type GateOutcome } from "./gate.js";
export { MatrixAccumulator, type MatrixEntry, type PairPlan } from "./matrix.js";
export {
  DEFAULT_MIN_COVERAGE,
  type Verdict,
  type VerdictPolicy,
  verdictFor,
  verdictPasses,
} from "./verdict.js";
export { type Interval, wilsonInterval } from "./wilson-interval.js";

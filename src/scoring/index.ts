export {
  type BootstrapOptions,
  type BootstrapResult,
  bootstrapInterval,
} from "./bootstrap-interval.js";
export {
  type CalibrationAgreement,
  type CalibrationRow,
  calibrationAgreement,
  type HumanAgreement,
  roundGrade,
} from "./calibration-agreement.js";
export {
  type ClusteredStandardErrorOptions,
  clusteredStandardError,
} from "./clustered-standard-error.js";
export {
  type ChangedExample,
  type ComparedRun,
  type CompareOptions,
  compareRuns,
  type ExampleSide,
  type FeatureComparison,
  type RunComparison,
  type RunSide,
} from "./compare-runs.js";
export {
  type ConfidenceSequenceOptions,
  confidenceSequence,
  mixtureLogMartingale,
} from "./confidence-sequence.js";
export {
  type FlakyExample,
  type RepeatStability,
  StabilityTally,
} from "./example-stability.js";
export {
  type FinitePopulationOptions,
  type FullRunSettlement,
  finitePopulationCounts,
  fullRunVerdictSettled,
} from "./finite-population-sequence.js";
export { evaluateGate, type GateOutcome } from "./gate.js";
export {
  CoincidenceTally,
  type JudgeAgreement,
  krippendorffAlpha,
  type MeasurementLevel,
} from "./krippendorff-alpha.js";
export {
  type CalibrationStatus,
  MatrixAccumulator,
  type MatrixEntry,
  type PairPlan,
} from "./matrix.js";
export { normalQuantile } from "./normal-quantile.js";
export {
  mcnemarExactPValue,
  type PairedDifference,
  pairedDifference,
} from "./paired-difference.js";
export {
  type PairwiseCalls,
  type PairwiseTally,
  type PairwiseVerdictRow,
  tallyPairwise,
  type UnjudgedPair,
} from "./pairwise-tally.js";
export {
  type ExampleTally,
  type IntervalMethod,
  type PassRateInterval,
  passRateInterval,
} from "./pass-rate-interval.js";
export {
  type CohenKappaOptions,
  cohenKappa,
  fleissKappa,
  type KappaWeights,
} from "./rater-agreement.js";
export {
  REDUCER_NAMES,
  type ReducedExample,
  type RepeatReducer,
  reduceRepeats,
} from "./repeat-reducers.js";
export { seededRandom, seededShuffle } from "./seeded-random.js";
export {
  DEFAULT_MIN_COVERAGE,
  DEFAULT_MIN_SCORED,
  VERDICT_POLICY_NAMES,
  type Verdict,
  type VerdictEvidence,
  type VerdictPolicy,
  type VerdictPolicyName,
  verdictFor,
  verdictPasses,
  verdictRegion,
} from "./verdict.js";
export {
  type VerdictSettledOptions,
  type VerdictSettlement,
  verdictSettled,
} from "./verdict-settled.js";
export { type Interval, wilsonInterval, wilsonIntervalForRate } from "./wilson-interval.js";

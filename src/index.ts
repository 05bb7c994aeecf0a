/**
 * evalgate's library API (`import { … } from "evalgate"`). Statistics first; the stages'
 * public functions join later. Everything here is also what the CLI uses.
 */
export {
  type BootstrapOptions,
  type BootstrapResult,
  bootstrapInterval,
  type ClusteredStandardErrorOptions,
  type CohenKappaOptions,
  type ConfidenceSequenceOptions,
  clusteredStandardError,
  cohenKappa,
  confidenceSequence,
  fleissKappa,
  type Interval,
  type KappaWeights,
  krippendorffAlpha,
  type MeasurementLevel,
  type PairedDifference,
  pairedDifference,
  type VerdictSettledOptions,
  type VerdictSettlement,
  verdictSettled,
  wilsonInterval,
} from "./scoring/index.js";

import { type SourcePosition, UserError } from "../core/errors.js";
import { didYouMean } from "./did-you-mean.js";
import type { LoadedConfig } from "./load-config.js";

/** A suite with the defaults applied (judge falls back to the top-level judge). */
export interface Suite {
  name: string;
  description: string | undefined;
  features: string[];
  models: string[];
  judge: string;
  repeats: number;
  /** How an example's repeats reduce to one outcome (`reduce`). */
  reduce: "mean" | "median" | "majority" | "worst" | "pass^k";
  limit: number | undefined;
  gate: boolean;
  allowIncompatible: boolean;
  viaGateway: boolean;
  /** How pass rates become verdicts (`verdict_policy`). */
  verdictPolicy: "point" | "statistical";
  /** Below this many scored examples the verdict is `insufficient` (`min_scored`). */
  minScored: number;
  /** `judge_policy`: other_family refuses a judge of the model's own family. */
  judgePolicy: "any" | "other_family";
  /** `require_calibration`: gated features need a calibrated judge. */
  requireCalibration: boolean;
  /** Where the suite is defined, for error messages. */
  position: SourcePosition;
}

export function suiteNames(config: LoadedConfig): string[] {
  return Object.keys(config.entry.value.suites);
}

/** The suite used when none is named: default_suite, or the only suite there is. */
export function defaultSuiteName(config: LoadedConfig): string {
  const { default_suite } = config.entry.value;
  return default_suite ?? suiteNames(config)[0]!;
}

/** The named suite (or the default one). An unknown name is a UserError listing the suites. */
export function resolveSuite(config: LoadedConfig, name?: string): Suite {
  const suiteName = name ?? defaultSuiteName(config);
  const suites = config.entry.value.suites;
  const suite = Object.hasOwn(suites, suiteName) ? suites[suiteName] : undefined;
  if (!suite) {
    throw new UserError(
      `there is no suite "${suiteName}" in ${config.entryFile}${didYouMean(suiteName, suiteNames(config))}; pick one of: ${suiteNames(config).join(", ")}`,
    );
  }
  return {
    name: suiteName,
    description: suite.description,
    features: [...suite.features],
    models: [...suite.models],
    judge: suite.judge ?? config.entry.value.judge,
    repeats: suite.repeats,
    reduce: suite.reduce,
    limit: suite.limit,
    gate: suite.gate,
    allowIncompatible: suite.allow_incompatible,
    viaGateway: suite.via_gateway,
    verdictPolicy: suite.verdict_policy,
    minScored: suite.min_scored,
    judgePolicy: suite.judge_policy,
    requireCalibration: suite.require_calibration,
    position: config.entry.positionOf(["suites", suiteName]),
  };
}

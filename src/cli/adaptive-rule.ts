/**
 * The statistics behind `run --adaptive`, handed to the runner (which sits left of scoring
 * and so cannot reach them itself): the seeded example order, the repeat reducer, and the
 * stopping rule — stop once the finite-population confidence sequence puts every full-run
 * rate it still allows in one verdict region (docs/scoring.md, "Adaptive runs").
 */
import { sha256Hex } from "../core/hashing.js";
import type { AdaptiveRule } from "../runner/index.js";
import {
  fullRunVerdictSettled,
  type RepeatReducer,
  reduceRepeats,
  seededShuffle,
} from "../scoring/index.js";

export interface AdaptiveSettings {
  seed: number;
  confidence: number;
  reduce: RepeatReducer;
}

/** One stream per feature, so adding a feature does not reorder the others. */
function featureSeed(seed: number, feature: string): number {
  return Number.parseInt(sha256Hex(`${seed}/${feature}`).slice(0, 8), 16);
}

export function adaptiveRuleFor(settings: AdaptiveSettings): AdaptiveRule {
  const { seed, confidence, reduce } = settings;
  return {
    seed,
    confidence,
    order: (examples, feature) => seededShuffle(examples, featureSeed(seed, feature)),
    outcome: (scores, repeats) => reduceRepeats(scores, reduce, repeats)?.outcome ?? 0,
    settle(pair, passed, n, examples) {
      // Centred on the threshold, where the decision is hardest (as verdictSettled does);
      // fixed before any data, so the guarantee is untouched.
      const prior = {
        a: Math.max(0.5, 10 * pair.threshold),
        b: Math.max(0.5, 10 * (1 - pair.threshold)),
      };
      const settled = fullRunVerdictSettled(passed, n, examples, {
        threshold: pair.threshold,
        yellowBand: pair.yellowBand,
        confidence,
        prior,
      });
      if (!settled.settled || settled.verdict === null) return null;
      return {
        afterExamples: n,
        passed,
        examples,
        verdict: settled.verdict,
        interval: settled.interval,
        confidence,
        seed,
      };
    },
  };
}

import type { LoadedRunFolder } from "../reports/index.js";
import type { RunComparison } from "../scoring/index.js";

export interface PairwiseJudgingOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  config?: string;
  judge?: string;
  simulate: boolean;
}

export async function addPairwiseJudging(
  _comparison: RunComparison,
  _base: LoadedRunFolder,
  _cand: LoadedRunFolder,
  _options: PairwiseJudgingOptions,
): Promise<void> {
  throw new Error("not yet");
}

/**
 * Judge against human labels: grades a label file with an evaluator's judge panel (through
 * the runner's queues and cache) and measures the agreement. `evalgate calibrate` prints it;
 * `evalgate run` does it on the fly, before its cells, for every evaluator that declares
 * `calibration:` (the cache makes the second time free), so a gate never rests on a judge
 * that was not checked in the same configuration. Also the console's self-preference warnings.
 */
import { relative } from "node:path";
import type { CatalogModel } from "../core/types.js";
import { type LabelFile, readLabelFile } from "../datasets/index.js";
import type { Evaluator } from "../judges/index.js";
import { calibrationPassed } from "../reports/index.js";
import {
  type JudgePanel,
  judgeLabels,
  type LabelJudgement,
  pairKey,
  type SuitePlan,
} from "../runner/index.js";
import {
  type CalibrationAgreement,
  type CalibrationStatus,
  calibrationAgreement,
} from "../scoring/index.js";

export interface CalibrationReach {
  env: NodeJS.ProcessEnv;
  cache: { enabled: boolean; dir?: string; cwd: string };
  reachModel?: (model: CatalogModel) => CatalogModel;
  simulation?: true | string;
}

export interface Calibration {
  labels: LabelFile;
  panel: JudgePanel;
  judgements: LabelJudgement[];
  agreement: CalibrationAgreement;
}

export async function calibrate(
  evaluator: Evaluator,
  panel: JudgePanel,
  labels: LabelFile,
  feature: string,
  reach: CalibrationReach,
): Promise<Calibration> {
  const judgements = await judgeLabels({
    evaluator,
    panel,
    labels,
    feature,
    env: reach.env,
    cache: reach.cache,
    ...(reach.reachModel ? { reachModel: reach.reachModel } : {}),
    ...(reach.simulation !== undefined ? { simulation: reach.simulation } : {}),
  });
  const rows = labels.responses.map((r, i) => ({
    judge: judgements[i]!.score,
    ratings: labels.raters.map((rater) => r.ratings[rater] ?? null),
  }));
  return { labels, panel, judgements, agreement: calibrationAgreement(rows, labels.raters) };
}

/**
 * Calibrates every evaluator of the plan that declares `calibration:` (once per distinct
 * judge panel) and sets each pair's `calibration` status; with `require_calibration`, a
 * pair whose evaluator has none is `missing`. Returns the console lines to show.
 */
export async function calibratePlan(plan: SuitePlan, reach: CalibrationReach): Promise<string[]> {
  const lines: string[] = [];
  const done = new Map<string, Calibration>();
  for (const pair of plan.pairs) {
    const feature = plan.features.find((f) => f.id === pair.feature)!;
    const evaluator = plan.evaluators.get(feature.evaluator!)!;
    const consequence = pair.gated
      ? "the verdict is insufficient"
      : "not gated, so the verdict stands";
    let status: CalibrationStatus | undefined;
    if (evaluator.calibration) {
      const { labels: file, minAgreement } = evaluator.calibration;
      const panel = plan.panels.get(pairKey(pair.feature, pair.model))!;
      const key = `${evaluator.name}\u0000${panel.name}`;
      let result = done.get(key);
      if (!result) {
        // A broken label file is the user's to fix (exit 2), not a reason to run uncalibrated.
        const labels = await readLabelFile(file);
        result = await calibrate(evaluator, panel, labels, feature.id, reach);
        done.set(key, result);
      }
      const shown = relative(reach.cache.cwd, file) || file;
      if (result.agreement.judged === 0) {
        const first = result.judgements.find((j) => j.reason !== undefined)?.reason;
        status = {
          status: "failed",
          quadraticKappa: null,
          minAgreement,
          labels: shown,
          reason: `${panel.name} graded none of the ${result.labels.responses.length} labelled responses in ${shown} (first: ${first}); ${consequence}`,
        };
      } else {
        const kappa = result.agreement.quadraticKappa;
        const passed = calibrationPassed(result.agreement, minAgreement) === true;
        status = {
          status: passed ? "passed" : "below",
          quadraticKappa: kappa,
          minAgreement,
          labels: shown,
          reason: passed
            ? `${panel.name} agrees with the human labels in ${shown} at quadratic κ ${kappa!.toFixed(3)} (min_agreement ${minAgreement})`
            : `${panel.name} agrees with the human labels in ${shown} at quadratic κ ${kappa === null ? "undefined" : kappa.toFixed(3)}, below min_agreement ${minAgreement}; ${consequence}`,
        };
      }
    } else if (plan.suite.requireCalibration) {
      status = {
        status: "missing",
        quadraticKappa: null,
        minAgreement: null,
        labels: null,
        reason: `suite "${plan.suite.name}" sets require_calibration: true and evaluator "${evaluator.name}" has no calibration: labels; ${consequence}`,
      };
    }
    if (!status) continue;
    pair.calibration = status;
    if (status.status !== "passed") lines.push(`${pair.feature} × ${pair.model}: ${status.reason}`);
  }
  return lines;
}

/**
 * The console's self-preference warnings: one per model and judge, listing the features,
 * rather than one per pair (the demo would print six lines for one judge).
 */
export function selfPreferenceWarnings(plan: SuitePlan): string[] {
  const risks = new Map<
    string,
    { model: string; family: string; judges: string; features: string[] }
  >();
  for (const pair of plan.pairs) {
    if (!pair.selfPreferenceRisk) continue;
    const judges = pair.selfPreferenceRisk.judges.map((j) => `"${j}"`).join(", ");
    const key = `${pair.model}\u0000${judges}`;
    const risk = risks.get(key) ?? {
      model: pair.model,
      family: pair.selfPreferenceRisk.family,
      judges,
      features: [],
    };
    risk.features.push(pair.feature);
    risks.set(key, risk);
  }
  return [...risks.values()].map(
    (r) =>
      `${r.model} is graded by judge ${r.judges} of its own family (${r.family}), which may favour its answers, in ${r.features.join(", ")} (selfPreferenceRisk in run.json); judge_policy: other_family refuses such pairs`,
  );
}

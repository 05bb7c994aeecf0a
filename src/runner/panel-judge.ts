/**
 * The Judge for a judge panel: one evaluator judge over one model, or a jury of them. Runs and
 * `evalgate calibrate` both build judges here, so a label file is graded exactly as a run's
 * cells are.
 */
import type { CatalogModel, ModelClient } from "../core/types.js";
import {
  createEvaluatorJudge,
  createJuryJudge,
  type Evaluator,
  type EvaluatorJudgeOptions,
  type Judge,
} from "../judges/index.js";
import type { JudgePanel } from "./judge-panel.js";

/** The judge model as the evaluator judge needs it, named by where it is reached. */
export function judgeModelFor(
  model: CatalogModel,
  client: ModelClient,
  reach: (model: CatalogModel) => CatalogModel,
): NonNullable<EvaluatorJudgeOptions["model"]> {
  const reached = reach(model);
  return {
    client,
    judgeName: model.name,
    endpoint: reached.endpoint ?? [reached.provider, reached.region].filter(Boolean).join(" "),
    params: model.params,
  };
}

export function createPanelJudge(
  evaluator: Evaluator,
  panel: JudgePanel,
  modelFor: (member: CatalogModel) => NonNullable<EvaluatorJudgeOptions["model"]>,
): Judge {
  const members = panel.members.map((m) => createEvaluatorJudge({ evaluator, model: modelFor(m) }));
  if (panel.aggregation === undefined || members.length === 1) return members[0]!;
  return createJuryJudge({ members, aggregation: panel.aggregation });
}

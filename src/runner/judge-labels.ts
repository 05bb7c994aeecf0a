/**
 * Grades a label file's responses with an evaluator's judge panel, through the same
 * per-endpoint queues, retry layer and response cache as a run: a second calibration (or the
 * one a gated run makes before its cells) replays the judge's answers from the cache.
 */
import type { Catalog } from "../catalog/index.js";
import { UserError } from "../core/errors.js";
import type { CatalogModel, JurorScore, ModelClient } from "../core/types.js";
import type { LabelFile } from "../datasets/index.js";
import { type Evaluator, juryName } from "../judges/index.js";
import type { JudgePanel } from "./judge-panel.js";
import { ModelCalls } from "./model-calls.js";
import { createPanelJudge, judgeModelFor } from "./panel-judge.js";
import { ResponseCache } from "./response-cache.js";

export interface JudgeLabelsOptions {
  evaluator: Evaluator;
  panel: JudgePanel;
  labels: LabelFile;
  /** The `feature` the judge prompt names (a feature using the evaluator). */
  feature: string;
  env: NodeJS.ProcessEnv;
  cache: { enabled: boolean; dir?: string; cwd: string };
  /** The model as reached (`--simulate` points it at the simulator). */
  reachModel?: (model: CatalogModel) => CatalogModel;
  /** Which simulator answers (its profile), for the cache. */
  simulation?: true | string;
  signal?: AbortSignal;
}

/** The panel's grade of one labelled response. */
export interface LabelJudgement {
  id: string;
  /** null: the judge gave no grade (see `reason`). */
  score: number | null;
  judges?: JurorScore[];
  reason?: string;
}

/**
 * The panel `evalgate calibrate` uses: the evaluator's jury or judge, else the suite's judge.
 * No model is under test here, so nobody sits out.
 */
export function calibrationPanel(
  evaluator: Evaluator,
  suiteJudge: string,
  catalog: Catalog,
): JudgePanel {
  const names = evaluator.jury?.models ?? [evaluator.judge ?? suiteJudge];
  const members = names.map((name) => {
    const model = catalog.models.get(name);
    if (!model) {
      throw new UserError(
        `judge "${name}" of evaluator "${evaluator.name}" is not in the model catalog; add it to models.yaml`,
        evaluator.positionOf([evaluator.jury ? "jury" : "judge"]),
      );
    }
    return model;
  });
  return {
    members,
    aggregation: evaluator.jury?.aggregation,
    name: members.length > 1 ? juryName(names) : names[0]!,
    sameFamily: [],
  };
}

export async function judgeLabels(options: JudgeLabelsOptions): Promise<LabelJudgement[]> {
  const { evaluator, panel, labels } = options;
  const calls = new ModelCalls({
    env: options.env,
    cache: new ResponseCache(options.cache),
    ...(options.reachModel ? { reachModel: options.reachModel } : {}),
    ...(options.simulation !== undefined ? { simulation: options.simulation } : {}),
  });
  const byName = new Map<string, ModelClient>();
  try {
    for (const member of panel.members) {
      byName.set(member.name, calls.clientFor(member, { priority: 1 }));
    }
  } catch (err) {
    await calls.close();
    throw err;
  }
  const judge = createPanelJudge(evaluator, panel, (m) =>
    judgeModelFor(m, byName.get(m.name)!, (model) => calls.reach(model)),
  );
  try {
    return await Promise.all(
      labels.responses.map(async (labelled): Promise<LabelJudgement> => {
        const outcome = await judge.judge({
          feature: options.feature,
          input: labelled.input,
          response: labelled.response,
          reference: labelled.reference,
          cell: {
            cellId: `calibration/${evaluator.name}/${labelled.id}`,
            feature: options.feature,
            model: "human-labels",
            exampleId: labelled.id,
            repeat: 0,
          },
          ...(options.signal ? { signal: options.signal } : {}),
        });
        if (outcome.kind === "scored" && outcome.score.score !== null) {
          return {
            id: labelled.id,
            score: outcome.score.score,
            ...(outcome.score.judges ? { judges: outcome.score.judges } : {}),
          };
        }
        const reason =
          outcome.kind === "error"
            ? `judge "${judge.name}" call failed: ${outcome.message}`
            : `no usable grade (${outcome.kind === "unscored" ? outcome.reason : "no_score"})`;
        return { id: labelled.id, score: null, reason };
      }),
    );
  } finally {
    await calls.close();
  }
}

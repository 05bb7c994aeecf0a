/**
 * Grades a label file's responses with an evaluator's judge panel, through the same
 * per-endpoint queues, retry layer and response cache as a run: a second calibration (or the
 * one a gated run makes before its cells) replays the judge's answers from the cache.
 */
import type { Catalog } from "../catalog/index.js";
import { UserError } from "../core/errors.js";
import type { CatalogModel, JurorScore } from "../core/types.js";
import type { LabelFile } from "../datasets/index.js";
import { type Evaluator, juryName } from "../judges/index.js";
import { createModelClient } from "../providers/index.js";
import { CallWatchdog } from "./call-watchdog.js";
import { EndpointQueues } from "./endpoint-queue.js";
import type { JudgePanel } from "./judge-panel.js";
import { createPanelJudge, judgeModelFor } from "./panel-judge.js";
import { ResponseCache } from "./response-cache.js";
import { RetryPolicy } from "./retry-policy.js";
import { scheduleClient } from "./scheduled-client.js";

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
  const reach = options.reachModel ?? ((m: CatalogModel) => m);
  const cache = new ResponseCache(options.cache);
  const [queues, retry, watchdog] = [new EndpointQueues(), new RetryPolicy(), new CallWatchdog()];
  const clients = panel.members.map((member) => {
    const model = reach(member);
    const client = createModelClient(model, { env: options.env });
    const scheduled = scheduleClient({
      client,
      queue: queues.forModel(model),
      retry,
      cache,
      watchdog,
      servedName: model.servedName,
      priority: 1,
    });
    return { member, client, scheduled };
  });
  const byName = new Map(clients.map((c) => [c.member.name, c.scheduled]));
  const judge = createPanelJudge(evaluator, panel, (m) =>
    judgeModelFor(m, byName.get(m.name)!, reach),
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
    queues.close();
    watchdog.close();
    await Promise.all(clients.map((c) => c.client.close?.()));
  }
}

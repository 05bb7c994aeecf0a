/**
 * Who grades a (feature, model) pair: the evaluator's jury, the evaluator's judge, or the
 * suite's judge — never the model under test itself — and whether a judge shares the model's
 * family (self-preference risk), which `judge_policy: other_family` refuses.
 */
import type { Catalog } from "../catalog/index.js";
import type { Suite } from "../config/index.js";
import { UserError } from "../core/errors.js";
import type { CatalogModel } from "../core/types.js";
import { type Evaluator, juryName } from "../judges/index.js";

export interface JudgePanel {
  /** One judge, or a jury's members in the evaluator's order. */
  members: CatalogModel[];
  /** How a jury's scores combine; undefined for one judge. */
  aggregation: "median" | "mean" | "majority" | undefined;
  /** The judge's name, or `jury(a,b,c)`. */
  name: string;
  /** Judges of the model's own family, if any. */
  sameFamily: string[];
}

/** Name, family and fix for a judge of the same family: the text of warnings and refusals. */
export function selfPreferenceMessage(
  feature: string,
  model: CatalogModel,
  panel: JudgePanel,
): string {
  return `${feature} × ${model.name}: judge ${panel.sameFamily.map((j) => `"${j}"`).join(", ")} is of the model's own family (${model.family}), so it may favour its answers (self-preference)`;
}

/**
 * The panel for `model` under `evaluator`, or a UserError saying what to change. `suiteJudge`
 * is the suite's judge already chosen for this model (chooseJudge), used when the evaluator
 * names none.
 */
export function judgePanelFor(
  feature: string,
  model: CatalogModel,
  evaluator: Evaluator,
  suiteJudge: CatalogModel | undefined,
  suite: Suite,
  catalog: Catalog,
): JudgePanel | UserError {
  let members: CatalogModel[];
  let aggregation: JudgePanel["aggregation"];
  if (evaluator.jury) {
    const named: CatalogModel[] = [];
    for (const [i, name] of evaluator.jury.models.entries()) {
      const judge = catalog.models.get(name);
      if (!judge) {
        return new UserError(
          `jury member "${name}" of evaluator "${evaluator.name}" is not in the model catalog; add it to models.yaml or remove it from jury.models`,
          evaluator.positionOf(["jury", "models", i]),
        );
      }
      named.push(judge);
    }
    // The model under test sits out of its own jury; the others still form one.
    members = named.filter((j) => j.identifier !== model.identifier);
    if (members.length < 2) {
      return new UserError(
        `the jury of evaluator "${evaluator.name}" would have ${members.length} member(s) left to grade ${model.name} once ${model.name} sits out of judging itself; add another judge model to jury.models`,
        evaluator.positionOf(["jury", "models"]),
      );
    }
    aggregation = evaluator.jury.aggregation;
  } else if (evaluator.judge !== undefined) {
    const judge = catalog.models.get(evaluator.judge);
    if (!judge) {
      return new UserError(
        `judge "${evaluator.judge}" of evaluator "${evaluator.name}" is not in the model catalog; add it to models.yaml or name another judge`,
        evaluator.positionOf(["judge"]),
      );
    }
    if (judge.identifier === model.identifier) {
      return new UserError(
        `evaluator "${evaluator.name}" would have ${model.name} judge its own answers in feature ${feature} (judge: ${judge.name} is the same model); name another judge, or a jury, in the evaluator`,
        evaluator.positionOf(["judge"]),
      );
    }
    members = [judge];
  } else {
    if (!suiteJudge) return new UserError(`no judge for ${model.name}`, suite.position);
    members = [suiteJudge];
  }
  const panel: JudgePanel = {
    members,
    aggregation,
    name: members.length > 1 ? juryName(members.map((m) => m.name)) : members[0]!.name,
    sameFamily: members.filter((j) => j.family === model.family).map((j) => j.name),
  };
  const policy = evaluator.judgePolicy ?? suite.judgePolicy;
  if (policy === "other_family" && panel.sameFamily.length > 0) {
    const where =
      evaluator.judgePolicy === "other_family"
        ? `evaluator "${evaluator.name}" sets judge_policy: other_family`
        : `suite "${suite.name}" sets judge_policy: other_family`;
    const fix = evaluator.jury
      ? "replace that member of the evaluator's jury.models with a judge of another family"
      : evaluator.judge !== undefined
        ? "set the evaluator's judge: to a model of another family"
        : `set judge: on suite "${suite.name}" (or judge: on the evaluator) to a model of another family`;
    return new UserError(
      `${selfPreferenceMessage(feature, model, panel)}, and ${where}; ${fix}, or leave ${model.name} out of the suite`,
      evaluator.judgePolicy === "other_family"
        ? evaluator.positionOf(["judge_policy"])
        : suite.position,
    );
  }
  return panel;
}

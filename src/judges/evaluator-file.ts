import { readdir } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import {
  type EvaluatorCheck,
  type EvaluatorCombine,
  type EvaluatorFile,
  evaluatorFileSchema,
  type LoadedYaml,
  loadYamlFile,
} from "../config/index.js";
import { type SourcePosition, UserError, UserErrors } from "../core/errors.js";
import { unreadablePath } from "../core/user-files.js";
import { createCheckScorer } from "./check-scorer.js";
import { checkJudgePromptTemplates } from "./judge-prompt.js";
import type { Grade } from "./judge-reply.js";

/**
 * One thing an evaluator scores. A judged criterion is graded by the judge model (`levels`
 * says what each grade means; the original file format has one criterion without levels); a
 * check criterion is scored by a deterministic check, with no judge call.
 */
export interface Criterion {
  name: string;
  description: string | undefined;
  levels: Readonly<Record<Grade, string>> | undefined;
  check: EvaluatorCheck | undefined;
}

/** The name of the one criterion of an evaluator in the original (judge_prompt) format. */
export const SINGLE_CRITERION = "score";

/** A judge rubric (evaluators/<name>.yaml), validated, with positions for error messages. */
export interface Evaluator {
  name: string;
  description: string;
  scale: readonly number[];
  /** Hand-written judge templates (original format); undefined when evalgate writes them. */
  judgePrompt: { system: string; user: string } | undefined;
  /** Opening of the judge's system prompt (criteria format). */
  instructions: string | undefined;
  criteria: readonly Criterion[];
  combine: EvaluatorCombine;
  showReference: boolean;
  /** Judge model for this evaluator, overriding the suite's. */
  judge: string | undefined;
  jury: { models: readonly string[]; aggregation: "median" | "mean" | "majority" } | undefined;
  /** `judge_policy`, overriding the suite's. */
  judgePolicy?: "any" | "other_family" | undefined;
  /** Human labels to check the judge against; `labels` is an absolute path. */
  calibration?: { labels: string; minAgreement: number } | undefined;
  temperature: number | undefined;
  output: "structured" | "text";
  maxReasks: number;
  logprobs: boolean;
  /** The file it came from. */
  file: string;
  /** Position of a key path in the file, e.g. ["judge_prompt", "user"]. */
  positionOf(path: readonly PropertyKey[]): SourcePosition;
}

/**
 * An Evaluator from an already-parsed file (src/config loads the evaluators folder too), with
 * the name checked against the file name and the templates checked for syntax and variables.
 */
export function evaluatorFromYaml(loaded: LoadedYaml<EvaluatorFile>): Evaluator {
  const fileName = basename(loaded.file, extname(loaded.file));
  if (loaded.value.name !== fileName) {
    throw new UserError(
      `evaluator name "${loaded.value.name}" does not match the file name; rename the file to ${loaded.value.name}${extname(loaded.file)} or set name: ${fileName}`,
      loaded.positionOf(["name"]),
    );
  }
  const value = loaded.value;
  const evaluator: Evaluator = {
    name: value.name,
    description: value.description,
    scale: value.scale,
    judgePrompt: value.judge_prompt && { ...value.judge_prompt },
    instructions: value.instructions?.trim(),
    criteria: criteriaOf(value),
    combine: value.combine,
    showReference: value.show_reference,
    judge: value.judge,
    jury: value.jury && { models: [...value.jury.models], aggregation: value.jury.aggregation },
    judgePolicy: value.judge_policy,
    calibration: value.calibration && {
      labels: resolve(dirname(loaded.file), value.calibration.labels),
      minAgreement: value.calibration.min_agreement,
    },
    temperature: value.temperature,
    output: value.output ?? (value.judge_prompt ? "text" : "structured"),
    maxReasks: value.max_reasks,
    logprobs: value.logprobs,
    file: loaded.file,
    positionOf: loaded.positionOf,
  };
  checkJudgePromptTemplates(evaluator);
  evaluator.criteria.forEach((criterion, i) => {
    if (criterion.check === undefined) return;
    try {
      createCheckScorer(criterion.check);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      throw new UserError(
        `criterion "${criterion.name}": ${err.message}`,
        loaded.positionOf(["criteria", i, "check"]),
      );
    }
  });
  return evaluator;
}

function criteriaOf(value: EvaluatorFile): Criterion[] {
  if (value.criteria === undefined) {
    return [
      { name: SINGLE_CRITERION, description: undefined, levels: undefined, check: undefined },
    ];
  }
  return value.criteria.map((c) => ({
    name: c.name,
    description: c.description?.trim(),
    levels: c.levels && {
      1: c.levels[1].trim(),
      2: c.levels[2].trim(),
      3: c.levels[3].trim(),
      4: c.levels[4].trim(),
    },
    check: c.check,
  }));
}

/** The criteria the judge model grades (the others are checks). */
export function judgedCriteria(evaluator: Evaluator): Criterion[] {
  return evaluator.criteria.filter((c) => c.check === undefined);
}

/** Load one evaluator file. Throws UserError(s) at file:line:column. */
export async function loadEvaluator(file: string): Promise<Evaluator> {
  return evaluatorFromYaml(await loadYamlFile(file, evaluatorFileSchema));
}

function problemsOf(err: unknown): UserError[] {
  if (err instanceof UserErrors) return [...err.problems];
  if (err instanceof UserError) return [err];
  throw err;
}

/**
 * Load every `*.yaml` / `*.yml` in `dir`, keyed by name. Every problem in every file is
 * reported together, so one run of `evalgate validate` shows them all.
 */
export async function loadEvaluators(dir: string): Promise<Map<string, Evaluator>> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/i.test(n)).sort();
  } catch (err) {
    throw unreadablePath(
      dir,
      err,
      "evaluators folder",
      "check the `evaluators:` path in evalgate.yaml",
    );
  }
  const problems: UserError[] = [];
  const evaluators = new Map<string, Evaluator>();
  for (const name of names) {
    try {
      const evaluator = await loadEvaluator(join(dir, name));
      const earlier = evaluators.get(evaluator.name);
      if (earlier) {
        problems.push(
          new UserError(
            `evaluator "${evaluator.name}" is also defined in ${basename(earlier.file)}; keep one of the two files`,
            { file: evaluator.file },
          ),
        );
        continue;
      }
      evaluators.set(evaluator.name, evaluator);
    } catch (err) {
      problems.push(...problemsOf(err));
    }
  }
  if (problems.length === 1) throw problems[0]!;
  if (problems.length > 1) throw new UserErrors(problems);
  return evaluators;
}

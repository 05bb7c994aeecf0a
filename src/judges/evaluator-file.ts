import { readdir } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import {
  type EvaluatorFile,
  evaluatorFileSchema,
  type LoadedYaml,
  loadYamlFile,
} from "../config/index.js";
import { type SourcePosition, UserError, UserErrors } from "../core/errors.js";
import { unreadablePath } from "../core/user-files.js";
import { checkJudgePromptTemplates } from "./judge-prompt.js";

/** A judge rubric (evaluators/<name>.yaml), validated, with positions for error messages. */
export interface Evaluator {
  name: string;
  description: string;
  scale: readonly number[];
  judgePrompt: { system: string; user: string };
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
  const evaluator: Evaluator = {
    name: loaded.value.name,
    description: loaded.value.description,
    scale: loaded.value.scale,
    judgePrompt: { system: loaded.value.judge_prompt.system, user: loaded.value.judge_prompt.user },
    file: loaded.file,
    positionOf: loaded.positionOf,
  };
  checkJudgePromptTemplates(evaluator);
  return evaluator;
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

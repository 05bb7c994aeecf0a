/**
 * `evalgate validate --definitions DIR`: a whole gateway definitions tree, no config needed.
 * Every definition file is loaded and every template checked statically; every problem is
 * listed at once, with a count.
 */
import { resolve } from "node:path";
import { UserErrors } from "../../core/errors.js";
import {
  loadEveryDefinition,
  loadPromptRegistry,
  staticTemplateProblems,
} from "../../prompts/index.js";
import type { CliIO } from "../command.js";

export async function validateDefinitionsTree(dir: string, io: CliIO): Promise<number> {
  const started = performance.now();
  const registry = await loadPromptRegistry(resolve(io.cwd, dir));
  const { loaded, files, problems: loadProblems } = loadEveryDefinition(registry);
  const { problems: templateProblems, partials } = staticTemplateProblems(registry, loaded);
  const problems = [...loadProblems, ...templateProblems];
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const failing = new Set(problems.map((p) => p.position?.file ?? p.message));
  io.out(`definitions: ${registry.root}\n`);
  io.out(
    `checked ${files} definition file(s) and ${partials} included template(s) in ${seconds} s: ${files - loaded.length} do not load\n`,
  );
  if (problems.length > 0) {
    io.out(`${failing.size} file(s) have problems\n`);
    throw new UserErrors(problems);
  }
  io.out(`valid: ${files} definition file(s)\n`);
  return 0;
}

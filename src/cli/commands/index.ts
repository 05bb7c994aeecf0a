import type { Command } from "../command.js";
import { cacheCommand } from "./cache.js";
import { calibrateCommand } from "./calibrate.js";
import { compareCommand } from "./compare.js";
import { init } from "./init.js";
import { mergeCommand } from "./merge.js";
import { prompts } from "./prompts.js";
import { reportCommand } from "./report.js";
import { retryErrorsCommand } from "./retry-errors.js";
import { runCommand } from "./run.js";
import { schema } from "./schema.js";
import { simulate } from "./simulate.js";
import { validate } from "./validate.js";

/**
 * Every `evalgate` command, in the order `evalgate --help` lists them. Each lives in its own
 * file under this folder and is added here with one import and one entry.
 */
export const commands: readonly Command[] = [
  runCommand,
  mergeCommand,
  reportCommand,
  compareCommand,
  validate,
  calibrateCommand,
  prompts,
  simulate,
  schema,
  init,
  cacheCommand,
  retryErrorsCommand,
];

import { UserError } from "../../core/errors.js";
import { type Command, JSON_FLAG, parseCommandArgs } from "../command.js";
import { type RunValues, sessionOptions } from "../run-invocation.js";
import { executeRun } from "./run.js";

const usage = `evalgate retry-errors DIR [--no-cache] [--cache-dir DIR] [--cache-max-size SIZE]
             [--break-after N] [--json] [--quiet]`;

/**
 * `run --resume DIR` after taking the `error` records out of DIR's journal, so exactly the
 * cells that ended in error run again (successful calls replay from the cache) and the
 * journal still holds one terminal record per cell.
 */
export const retryErrorsCommand: Command = {
  name: "retry-errors",
  summary: "rerun only the cells of a run folder that ended in error, then report it",
  usage,
  flags: [
    ["DIR", "the run folder (as written by evalgate run)"],
    ["--no-cache", "neither read nor write the response cache"],
    ["--cache-dir DIR", "response cache folder (default .evalgate-cache)"],
    ["--cache-max-size SIZE", "after the run, prune the cache down to SIZE (default 500MB)"],
    ["--break-after N", "connection/auth failures in a row before an endpoint is down (default 5)"],
    JSON_FLAG,
    ["--quiet", "no progress output"],
  ],
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      { name: "retry-errors", usage },
      argv,
      sessionOptions,
      true,
    );
    if (positionals.length !== 1) {
      throw new UserError(`name one run folder\nusage: ${usage}`);
    }
    const runValues = { ...values, resume: positionals[0] } as RunValues;
    return executeRun(runValues, io, { retryErrors: true });
  },
};

import { type ParseArgsConfig, parseArgs } from "node:util";
import { UserError } from "../core/errors.js";

/** Where a command writes. The bin passes process streams; tests pass collectors. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout/stderr is an interactive terminal (live progress bars). */
  isTTY: boolean;
  /** Working directory against which relative paths in arguments resolve. */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** One `evalgate <name>` command. `run` returns the process exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * node:util parseArgs with user-facing errors: an unknown flag or a missing value becomes a
 * UserError that shows the command's usage, not a stack trace.
 */
export function parseCommandArgs<T extends Options>(
  command: Pick<Command, "name" | "usage">,
  argv: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    // The synopsis only; `--help` shows the flag descriptions.
    const synopsis = command.usage.split("\n\n")[0];
    throw new UserError(
      `${reason}\nusage: ${synopsis}\n(evalgate ${command.name} --help explains every flag)`,
    );
  }
}

import { isAbsolute, relative } from "node:path";
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
  /** Colour in stdout's text (see terminal-colour.ts); tests leave it off. */
  colour?: boolean;
}

/** One `evalgate <name>` command. `run` returns the process exit code. */
export interface Command {
  name: string;
  summary: string;
  /** The synopsis; it may go on with flag descriptions after a blank line (see `flags`). */
  usage: string;
  /**
   * `[flag, what it does]` for every flag the synopsis names, for `--help`. A command whose
   * usage already describes its flags after the synopsis leaves this out.
   */
  flags?: readonly (readonly [string, string])[];
  run(argv: string[], io: CliIO): Promise<number>;
}

/** `evalgate <command> --help` and `evalgate help <command>`: synopsis, then every flag. */
export function helpFor(command: Command): string {
  const lines = [`usage: ${command.usage}`];
  if (command.flags && command.flags.length > 0) {
    const width = Math.max(...command.flags.map(([flag]) => flag.length));
    lines.push("", ...command.flags.map(([flag, what]) => `  ${flag.padEnd(width)}  ${what}`));
  }
  return `${lines.join("\n")}\n`;
}

/** The `--json` flag's description, the same for every command that has one. */
export const JSON_FLAG = ["--json", "print one JSON object on stdout instead of text"] as const;

/**
 * `--json` output: exactly one JSON document and a newline on stdout, so a script can pipe it
 * to `jq` whatever the exit code; messages for people stay on stderr.
 */
export function printJson(io: CliIO, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
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

/**
 * A path to print: relative to the working directory when it lies inside it (`reports/…`,
 * which works when copied into a shell there), else absolute; never `../../…`.
 */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  if (rel === "") return ".";
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

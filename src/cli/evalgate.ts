import { readFileSync } from "node:fs";
import { EvalgateError, ExitCode } from "../core/errors.js";
import { escapeControl } from "../core/terminal-text.js";
import { type CliIO, type Command, helpFor } from "./command.js";
import { commands } from "./commands/index.js";
import { colourEnabled } from "./terminal-colour.js";

function helpText(list: readonly Command[]): string {
  const width = Math.max(0, ...list.map((c) => c.name.length));
  const lines = list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `evalgate — evaluation harness with LLM judges\n\nusage: evalgate <command> [options]\n       evalgate --version\n\ncommands:\n${lines.join("\n")}\n\nRun \`evalgate <command> --help\` (or \`evalgate help <command>\`) for a command's options.\n`;
}

/** The installed package's version: package.json sits two folders up from src/cli and dist/cli. */
export function evalgateVersion(): string {
  const file = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

export function processIO(): CliIO {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
    env: process.env,
    colour: colourEnabled(Boolean(process.stdout.isTTY), process.env),
  };
}

/** Runs one evalgate invocation and returns its exit code. Never throws. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-V" || name === "version") {
    io.out(`${evalgateVersion()}\n`);
    return ExitCode.ok;
  }
  if (name === "help" && rest.length > 0) {
    const topic = commands.find((c) => c.name === rest[0]);
    if (!topic) {
      io.err(
        `evalgate help: unknown command "${escapeControl(rest[0]!)}". Run \`evalgate --help\` to see the commands.\n`,
      );
      return ExitCode.usage;
    }
    io.out(helpFor(topic));
    return ExitCode.ok;
  }
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    (name === undefined ? io.err : io.out)(helpText(commands));
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(
      `evalgate: unknown command "${escapeControl(name)}". Run \`evalgate --help\` to see the commands.\n`,
    );
    return ExitCode.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(helpFor(command));
    return ExitCode.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof EvalgateError) {
      // Messages quote data (example ids, file text): its control characters are escaped.
      io.err(`evalgate ${command.name}: ${escapeControl(err.message, { keepLayout: true })}\n`);
      return err.exitCode;
    }
    // A file-system or OS error (disk full, a path under a file, no permission) is the
    // machine's state, not a bug in evalgate: say so and what to check.
    const syscall = (err as NodeJS.ErrnoException | undefined)?.syscall;
    if (err instanceof Error && typeof syscall === "string") {
      io.err(
        `evalgate ${command.name}: ${escapeControl(err.message, { keepLayout: true })}\nCheck the path, its permissions and the free disk space, then run the command again.\n`,
      );
      return ExitCode.incomplete;
    }
    const detail = escapeControl(err instanceof Error ? err.message : String(err), {
      keepLayout: true,
    });
    io.err(
      `evalgate ${command.name}: internal error: ${detail}\nThis is a bug in evalgate; please report it with the command you ran.\n`,
    );
    return 70;
  }
}

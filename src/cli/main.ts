#!/usr/bin/env node
import { EvalgateError, ExitCode } from "../core/errors.js";
import type { Command } from "./command.js";
import { commands } from "./commands/index.js";

function printHelp(list: readonly Command[]): void {
  const width = Math.max(...list.map((c) => c.name.length));
  const lines = list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  process.stdout.write(
    `evalgate — evaluation harness with LLM judges\n\nusage: evalgate <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nRun \`evalgate <command> --help\` for a command's options.\n`,
  );
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    printHelp(commands);
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  // `prompts list` / `prompts render`: a command may own sub-commands; it gets the rest.
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`evalgate: unknown command "${name}". Run \`evalgate --help\`.\n`);
    return ExitCode.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`usage: ${command.usage}\n`);
    return ExitCode.ok;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof EvalgateError) {
      process.stderr.write(`evalgate ${command.name}: ${err.message}\n`);
      return err.exitCode;
    }
    const detail = err instanceof Error ? err.message : String(err);
    process.stderr.write(
      `evalgate ${command.name}: internal error: ${detail}\nThis is a bug in evalgate; please report it with the command you ran.\n`,
    );
    if (process.env.EVALGATE_DEBUG === "1" && err instanceof Error)
      process.stderr.write(`${err.stack}\n`);
    return 70;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;

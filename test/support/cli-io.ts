import type { CliIO } from "../../src/cli/command.js";

/** A CliIO that collects what a command prints, for in-process `main(argv, io)` tests. */
export function collectingIO(cwd: string, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    isTTY: false,
    cwd,
    env,
  };
  return { io, out: () => out.join(""), err: () => err.join("") };
}

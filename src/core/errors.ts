/**
 * Typed errors. Every error a user can cause is an EvalgateError with an exit code and a
 * message that names the file (and line/column when known) and says what to do. The CLI
 * prints `message` (never a stack) and exits with `exitCode`.
 */

export const ExitCode = {
  ok: 0,
  gateFailed: 1,
  usage: 2,
  incomplete: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface SourcePosition {
  file: string;
  line?: number;
  column?: number;
}

export function formatPosition(pos: SourcePosition): string {
  if (pos.line === undefined) return pos.file;
  if (pos.column === undefined) return `${pos.file}:${pos.line}`;
  return `${pos.file}:${pos.line}:${pos.column}`;
}

export class EvalgateError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** A problem with what the user gave us: arguments, config, definitions, datasets. Exit 2. */
export class UserError extends EvalgateError {
  readonly position: SourcePosition | undefined;
  constructor(message: string, position?: SourcePosition) {
    super(position ? `${formatPosition(position)}: ${message}` : message, ExitCode.usage);
    this.position = position;
  }
}

/** Several user errors found together (validate lists every problem, not just the first). */
export class UserErrors extends EvalgateError {
  readonly problems: readonly UserError[];
  constructor(problems: readonly UserError[]) {
    const lines = problems.map((p) => `  - ${p.message}`);
    super(`${problems.length} problem(s) found:\n${lines.join("\n")}`, ExitCode.usage);
    this.problems = problems;
  }
}

/** A run that could not complete (endpoint down, interrupted). Exit 3. */
export class RunIncompleteError extends EvalgateError {
  constructor(message: string) {
    super(message, ExitCode.incomplete);
  }
}

/** One or more gated features failed their threshold. Exit 1. */
export class GateFailedError extends EvalgateError {
  constructor(message: string) {
    super(message, ExitCode.gateFailed);
  }
}

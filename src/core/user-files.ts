import { readFile } from "node:fs/promises";
import { UserError } from "./errors.js";

/**
 * A file-system error on a path the user gave, as a UserError naming it: `what` says what the
 * path should be ("inputs file", "evaluators folder"), `fix` what to do when it is missing.
 */
export function unreadablePath(
  path: string,
  err: unknown,
  what: string,
  fix = "check the path",
): UserError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new UserError(`${what} not found; ${fix}`, { file: path });
  if (code === "EISDIR") return new UserError(`is a folder, not a ${what}`, { file: path });
  return new UserError(`cannot read ${what} (${code ?? String(err)})`, { file: path });
}

/** Reads a text file the user named; any failure is a UserError naming it. */
export async function readUserFile(file: string, what: string, fix?: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw unreadablePath(file, err, what, fix);
  }
}

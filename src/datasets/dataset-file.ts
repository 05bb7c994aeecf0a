import type { ReadStream } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { UserError } from "../core/errors.js";

/**
 * Open a dataset for streaming. Opening up front turns a missing file or a folder into a
 * UserError naming it, instead of an `error` event surfacing mid-iteration.
 */
export async function openDatasetStream(file: string): Promise<ReadStream> {
  let handle: FileHandle;
  try {
    handle = await open(file, "r");
  } catch (err) {
    throw unreadable(file, err);
  }
  const stats = await handle.stat();
  if (stats.isDirectory()) {
    await handle.close();
    throw new UserError("is a folder, not a dataset file; point at a .jsonl, .csv or .yaml file", {
      file,
    });
  }
  return handle.createReadStream({ encoding: "utf8", autoClose: true });
}

export function unreadable(file: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new UserError("dataset file not found; check the path", { file });
  if (code === "EISDIR") {
    return new UserError("is a folder, not a dataset file", { file });
  }
  return new UserError(`cannot read dataset file (${code ?? String(err)})`, { file });
}

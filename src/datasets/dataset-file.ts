import type { ReadStream } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { UserError } from "../core/errors.js";
import { unreadablePath } from "../core/user-files.js";

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
  return unreadablePath(file, err, "dataset file");
}

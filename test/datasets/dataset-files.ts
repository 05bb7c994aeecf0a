import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/** A scratch folder for one test file, removed when its tests finish. */
export function scratchFolder(): (name: string, text: string) => string {
  const dir = mkdtempSync(join(tmpdir(), "evalgate-datasets-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name, text) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
}

/** Run `fn` and return the message of the error it throws, failing if it does not throw. */
export async function errorOf(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error, but none was thrown");
}

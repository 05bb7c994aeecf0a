/**
 * One process at a time per run folder. Two `run --resume DIR` at once would both call every
 * pending cell and append two records for each, so the second refuses and names the holder.
 * The lock is a file created exclusively (`wx`) holding the holder's pid and host; a lock
 * whose pid is gone on this host (a kill -9, a second Ctrl-C) is stale and taken over.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { UserError } from "../core/errors.js";

export const LOCK_FILE = ".evalgate.lock";

interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

export interface RunLock {
  file: string;
  release(): void;
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, "utf8")) as LockHolder;
    return typeof holder?.pid === "number" && typeof holder.host === "string" ? holder : undefined;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the pid exists but belongs to someone else, so it is alive.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock on `outDir` (which must exist) or throws a UserError naming its holder. */
export function acquireRunLock(outDir: string): RunLock {
  const file = join(outDir, LOCK_FILE);
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${JSON.stringify(me)}\n`, { flag: "wx" });
      return { file, release: () => rmSync(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = readHolder(file);
    const stale = holder === undefined || (holder.host === me.host && !processAlive(holder.pid));
    if (!stale) {
      throw new UserError(
        `${outDir} is in use by evalgate pid ${holder.pid} on ${holder.host} (since ${holder.startedAt}); wait for it to finish, or, if that process is gone, delete ${file}`,
      );
    }
    rmSync(file, { force: true });
  }
  throw new UserError(
    `could not lock ${outDir}: another process keeps taking ${file}; run one evalgate at a time on a run folder`,
  );
}

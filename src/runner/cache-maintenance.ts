/**
 * Keeping the response cache bounded: its size on disk, pruning the oldest entries down to a
 * bound (run after every run, and by `evalgate cache prune`), and clearing it. Age is the
 * entry file's modification time, which a write (not a hit) sets: the oldest answers go first.
 */
import { statSync } from "node:fs";
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../core/errors.js";

/** The documented bound when none is given: 500 MB. */
export const DEFAULT_CACHE_MAX_BYTES = 500 * 1024 * 1024;

export interface CacheUsage {
  /** Absolute cache folder. */
  dir: string;
  entries: number;
  bytes: number;
  /** Modification times (ms) of the oldest and newest entries; undefined when empty. */
  oldestMs: number | undefined;
  newestMs: number | undefined;
}

interface EntryFile {
  file: string;
  bytes: number;
  mtimeMs: number;
}

/**
 * Throws a UserError when `dir` exists but is not a folder: the cache would otherwise fail
 * to write every entry and the run would quietly make every call again.
 */
export function checkCacheDir(dir: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    return; // not there yet: the first write creates it
  }
  if (!isDirectory) {
    throw new UserError(
      `the cache folder ${dir} is a file, not a folder; pass another --cache-dir, remove the file, or run with --no-cache`,
    );
  }
}

async function entryFiles(dir: string): Promise<EntryFile[]> {
  checkCacheDir(dir);
  let shards: string[];
  try {
    shards = await readdir(dir);
  } catch {
    return [];
  }
  const files: EntryFile[] = [];
  for (const shard of shards) {
    // Entries live in two-hex-character folders; anything else is not the cache's to count.
    if (!/^[0-9a-f]{2}$/.test(shard)) continue;
    let names: string[];
    try {
      names = await readdir(join(dir, shard));
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.endsWith(".json") || name.startsWith(".")) continue;
      const file = join(dir, shard, name);
      try {
        const s = await stat(file);
        files.push({ file, bytes: s.size, mtimeMs: s.mtimeMs });
      } catch {
        // Removed by a concurrent prune: nothing to count.
      }
    }
  }
  return files;
}

export async function cacheUsage(dir: string): Promise<CacheUsage> {
  const files = await entryFiles(dir);
  let bytes = 0;
  let oldestMs: number | undefined;
  let newestMs: number | undefined;
  for (const f of files) {
    bytes += f.bytes;
    oldestMs = oldestMs === undefined ? f.mtimeMs : Math.min(oldestMs, f.mtimeMs);
    newestMs = newestMs === undefined ? f.mtimeMs : Math.max(newestMs, f.mtimeMs);
  }
  return { dir, entries: files.length, bytes, oldestMs, newestMs };
}

export interface PruneResult {
  removed: number;
  removedBytes: number;
  /** Usage after pruning. */
  entries: number;
  bytes: number;
}

/** Removes the oldest entries until the cache holds at most `maxBytes`. */
export async function pruneCache(dir: string, maxBytes: number): Promise<PruneResult> {
  const files = await entryFiles(dir);
  let bytes = files.reduce((sum, f) => sum + f.bytes, 0);
  let entries = files.length;
  let removed = 0;
  let removedBytes = 0;
  if (bytes <= maxBytes) return { removed, removedBytes, entries, bytes };
  files.sort((a, b) => a.mtimeMs - b.mtimeMs || a.file.localeCompare(b.file));
  for (const f of files) {
    if (bytes <= maxBytes) break;
    await rm(f.file, { force: true });
    bytes -= f.bytes;
    entries--;
    removed++;
    removedBytes += f.bytes;
  }
  return { removed, removedBytes, entries, bytes };
}

/** Removes every entry (the folder itself stays, with anything that is not the cache's). */
export async function clearCache(dir: string): Promise<PruneResult> {
  return pruneCache(dir, -1);
}

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
};

/** `500MB`, `2g`, `1048576` → bytes. Throws a UserError naming the flag otherwise. */
export function parseSize(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new UserError(
      `${flag} takes a size such as 500MB, 2GB or 1048576 (bytes), got "${text}"`,
    );
  }
  return Math.floor(Number(match[1]) * unit);
}

/** 1536 → "1.5 KB": sizes for people. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = "B";
  for (const u of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = u;
  }
  return `${value.toFixed(1)} ${unit}`;
}

/**
 * Merge: shard folders (one per CI job) into one run folder whose journal holds every
 * shard's records, so reports see one run. Shards of different configs are refused, and so
 * are two different results for the same cell.
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { resolve } from "node:path";
import { UserError } from "../core/errors.js";
import { contentHash } from "../core/hashing.js";
import type { CellRecord } from "../core/types.js";
import { forEachJournalRecord, JournalWriter, journalPathIn } from "./journal.js";
import { mergePromptFiles } from "./prompt-store.js";
import { type RunManifest, readRunManifest, writeRunManifest } from "./run-manifest.js";
import { parseShard } from "./shard-cells.js";

export interface MergeResult {
  outDir: string;
  /** Records in the merged journal. */
  records: number;
  /** Identical records found in more than one folder, kept once. */
  duplicates: number;
  /** Shards present, as `I/N`. */
  shards: string[];
  /** Shards of `N` not among the folders (the merged run is incomplete without them). */
  missingShards: string[];
  manifest: RunManifest;
}

/** What counts as "the same result" for a cell seen twice; timing and caching do not. */
function resultFingerprint(r: CellRecord): string {
  return contentHash({
    status: r.status,
    score: r.score,
    passed: r.passed,
    reason: r.reason,
    errorClass: r.errorClass,
    response: r.response,
  });
}

function checkShards(dirs: string[], manifests: RunManifest[]) {
  const shards: string[] = [];
  let total: number | undefined;
  const present = new Set<number>();
  manifests.forEach((m, i) => {
    if (m.shard === undefined) return;
    const shard = parseShard(m.shard, `${dirs[i]}/run.json shard`);
    if (total !== undefined && shard.total !== total) {
      throw new UserError(
        `${dirs[i]} is shard ${m.shard} but earlier folders are shards of ${total}; ` +
          "merge only the shards of one pipeline",
      );
    }
    total = shard.total;
    present.add(shard.index);
    shards.push(m.shard);
  });
  const missingShards: string[] = [];
  if (total !== undefined) {
    for (let i = 1; i <= total; i++) if (!present.has(i)) missingShards.push(`${i}/${total}`);
  }
  return { shards, missingShards };
}

type ManifestPair = { feature: string; model: string; planned: number; [key: string]: unknown };

/** Each shard planned its own examples; the merged run planned their sum, pair by pair. */
function sumPlanned(manifests: RunManifest[]): { pairs?: ManifestPair[]; planned?: number } {
  const byKey = new Map<string, ManifestPair>();
  for (const m of manifests) {
    for (const pair of (m.pairs ?? []) as ManifestPair[]) {
      const key = `${pair.feature}\u0000${pair.model}`;
      const seen = byKey.get(key);
      if (seen) seen.planned += pair.planned;
      else byKey.set(key, { ...pair });
    }
  }
  if (byKey.size === 0) return {};
  const pairs = [...byKey.values()];
  return { pairs, planned: pairs.reduce((sum, p) => sum + p.planned, 0) };
}

function latestFinish(manifests: RunManifest[]): string | null {
  const times = manifests
    .map((m) => m.finishedAt)
    .filter((t): t is string => typeof t === "string");
  return times.length === manifests.length ? times.sort().at(-1)! : null;
}

/**
 * The same folder named twice (`a a`, `a ./a`, or through a symlink) would count its planned
 * cells twice, so a complete run would read as incomplete.
 */
function refuseRepeatedFolders(dirs: readonly string[], sources: readonly string[]): void {
  const seen = new Map<string, number>();
  sources.forEach((dir, i) => {
    let real = dir;
    try {
      real = realpathSync(dir);
    } catch {
      // A folder that is not there is reported by readRunManifest, with its fix.
    }
    const earlier = seen.get(real);
    if (earlier !== undefined) {
      throw new UserError(
        `${dirs[i]} is the same folder as ${dirs[earlier]}; name each shard folder once`,
      );
    }
    seen.set(real, i);
  });
}

/** A copy of a shard folder is the same run: same run id and shard. */
function refuseRepeatedRuns(dirs: readonly string[], manifests: readonly RunManifest[]): void {
  const seen = new Map<string, number>();
  manifests.forEach((m, i) => {
    const key = `${m.runId}\u0000${m.shard ?? ""}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new UserError(
        `${dirs[i]} holds the same run as ${dirs[earlier]} (run ${m.runId}${m.shard ? `, shard ${m.shard}` : ""}); name each shard once`,
      );
    }
    seen.set(key, i);
  });
}

export async function mergeRuns(dirs: readonly string[], outDir: string): Promise<MergeResult> {
  if (dirs.length === 0) throw new UserError("merge needs at least one run folder");
  const sources = dirs.map((d) => resolve(d));
  const out = resolve(outDir);
  if (sources.includes(out)) {
    throw new UserError(`${outDir} is one of the folders being merged; choose a new output folder`);
  }
  const outJournal = journalPathIn(out);
  if (existsSync(outJournal) && statSync(outJournal).size > 0) {
    throw new UserError(`${outJournal} already has records; merge into an empty folder`);
  }

  refuseRepeatedFolders(dirs, sources);
  const manifests = await Promise.all(sources.map((d) => readRunManifest(d)));
  const first = manifests[0]!;
  refuseRepeatedRuns(dirs, manifests);
  manifests.forEach((m, i) => {
    if (m.config.hash !== first.config.hash) {
      throw new UserError(
        `${dirs[i]} was run with config ${m.config.hash} but ${dirs[0]} with ${first.config.hash}; ` +
          "shards can only be merged when every job ran the same config (same suite, models, prompts, datasets)",
      );
    }
  });
  const { shards, missingShards } = checkShards([...dirs], manifests);

  await mkdir(out, { recursive: true });
  const tmp = `${outJournal}.merging`;
  await rm(tmp, { force: true });
  const writer = await JournalWriter.open(tmp);
  const seen = new Map<string, { fingerprint: string; dir: string }>();
  let duplicates = 0;
  let pending: Promise<void>[] = [];
  try {
    for (const [i, dir] of sources.entries()) {
      const journal = journalPathIn(dir);
      if (!existsSync(journal)) continue; // a shard whose job failed early has no records
      await forEachJournalRecord(journal, (record, line) => {
        const fingerprint = resultFingerprint(record);
        const earlier = seen.get(record.cellId);
        if (earlier) {
          if (earlier.fingerprint !== fingerprint) {
            throw new UserError(
              `cell ${record.cellId} has a different result here than in ${earlier.dir}; ` +
                "these folders are not shards of one run — merge each run separately",
              { file: journal, line },
            );
          }
          duplicates++;
          return;
        }
        seen.set(record.cellId, { fingerprint, dir: dirs[i]! });
        pending.push(writer.append(record));
      });
      await Promise.all(pending);
      pending = [];
    }
    await writer.close();
    await mergePromptFiles(sources, out);
    await rename(tmp, outJournal);
  } catch (err) {
    await writer.close();
    await rm(tmp, { force: true });
    throw err;
  }

  const manifest: RunManifest = {
    ...first,
    shard: undefined,
    ...sumPlanned(manifests),
    ...(missingShards.length > 0 ? { missingShards } : {}),
    finishedAt: latestFinish(manifests),
    mergedFrom: sources.map((dir, i) => ({
      dir,
      runId: manifests[i]!.runId,
      ...(manifests[i]!.shard ? { shard: manifests[i]!.shard } : {}),
    })),
  };
  await writeRunManifest(out, manifest);
  return { outDir: out, records: seen.size, duplicates, shards, missingShards, manifest };
}

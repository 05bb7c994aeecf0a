/**
 * `run.json`: what a run folder is a run of. The run command writes it when a run starts;
 * merge reads it to refuse combining shards of different configs; reports read it to label
 * results. Other stages add fields (the schema keeps unknown fields).
 */
import { randomBytes } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { UserError } from "../core/errors.js";

export const RUN_MANIFEST_FILE = "run.json";
export const RUN_MANIFEST_SCHEMA_VERSION = 1;

export interface RunManifest {
  /** Format version of this file; 1. */
  schemaVersion: number;
  /** Unique per run (shards of one CI pipeline each have their own). */
  runId: string;
  /** ISO time the run started. */
  createdAt?: string;
  /** `hash`: contentHash of the resolved config (suite, models, prompts, datasets, judges). */
  config: { hash: string; [key: string]: unknown };
  /** `I/N` when this folder holds one shard. */
  shard?: string;
  /** Set by merge: the folders merged into this one. */
  mergedFrom?: { dir: string; runId: string; shard?: string }[];
  [key: string]: unknown;
}

const manifestSchema = z.looseObject({
  schemaVersion: z.number().int().positive(),
  runId: z.string().min(1),
  createdAt: z.string().optional(),
  config: z.looseObject({ hash: z.string().min(1) }),
  shard: z.string().optional(),
});

export function runManifestPathIn(dir: string): string {
  return join(dir, RUN_MANIFEST_FILE);
}

/** A sortable, unique run id: UTC time plus random hex, e.g. `20250101T120000Z-3f9a1c`. */
export function newRunId(date: Date = new Date()): string {
  const stamp = date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${stamp}-${randomBytes(3).toString("hex")}`;
}

export async function readRunManifest(dir: string): Promise<RunManifest> {
  const file = runManifestPathIn(dir);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new UserError(
      `no ${RUN_MANIFEST_FILE} here; is this a run folder written by evalgate run?`,
      {
        file,
      },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(`not valid JSON (${(err as Error).message}); re-run to rewrite it`, {
      file,
    });
  }
  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "(top level)";
    throw new UserError(
      `invalid run manifest at ${where}: ${issue?.message}; re-run to rewrite it`,
      {
        file,
      },
    );
  }
  return parsed.data as RunManifest;
}

/** Writes `run.json` atomically (temp file + rename), so a reader never sees half of it. */
export async function writeRunManifest(dir: string, manifest: RunManifest): Promise<void> {
  const file = runManifestPathIn(dir);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(tmp, file);
}

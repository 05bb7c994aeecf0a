/**
 * Reading the two run folders `evalgate compare` and `run --baseline` pair: run.json for what
 * each planned (thresholds, prices), journal.jsonl for its records.
 */
import { existsSync } from "node:fs";
import { UserError } from "../core/errors.js";
import { journalPathIn, type RunManifest, readJournal, readRunManifest } from "../runner/index.js";
import type { ComparedRun } from "../scoring/index.js";
import { pairPlans } from "./run-report-files.js";

export interface LoadedRunFolder extends ComparedRun {
  manifest: RunManifest;
}

export async function loadRunFolder(dir: string): Promise<LoadedRunFolder> {
  if (!existsSync(dir)) {
    throw new UserError(`${dir} does not exist; name a run folder written by evalgate run --out`);
  }
  const manifest = await readRunManifest(dir);
  const journal = journalPathIn(dir);
  if (!existsSync(journal)) {
    throw new UserError(`${dir} has run.json but no journal.jsonl; the run never recorded a cell`, {
      file: journal,
    });
  }
  const { records } = await readJournal(journal);
  return { dir, manifest, plans: pairPlans(manifest), records };
}

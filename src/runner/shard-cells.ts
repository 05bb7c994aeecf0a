/**
 * Shards split one run across machines (GitLab CI `parallel:`). A cell belongs to shard I of
 * N when the hash of its example id mod N == I-1, so every model and repeat of an example
 * lands in the same shard and the split is identical on every machine.
 */
import { UserError } from "../core/errors.js";
import { sha256Hex } from "../core/hashing.js";
import type { PlannedCell } from "./plan-cells.js";

export interface Shard {
  /** 1-based, as `--shard 2/4` and CI_NODE_INDEX write it. */
  index: number;
  total: number;
}

/** Parses `I/N` (1 ≤ I ≤ N). `source` names where the text came from, for the error. */
export function parseShard(text: string, source = "--shard"): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : Number.NaN;
  const total = match ? Number(match[2]) : Number.NaN;
  if (!match || total < 1 || index < 1 || index > total) {
    throw new UserError(
      `${source}: "${text}" is not a shard; write I/N with 1 <= I <= N, e.g. --shard 2/4`,
    );
  }
  return { index, total };
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.total}`;
}

/**
 * The shard GitLab CI assigns to this job (`parallel: N` sets CI_NODE_INDEX and
 * CI_NODE_TOTAL), or undefined outside a parallel job.
 */
export function shardFromEnv(env: NodeJS.ProcessEnv): Shard | undefined {
  const index = env["CI_NODE_INDEX"];
  const total = env["CI_NODE_TOTAL"];
  if (index === undefined || total === undefined) return undefined;
  return parseShard(`${index}/${total}`, "CI_NODE_INDEX/CI_NODE_TOTAL");
}

/** The 1-based shard an example id falls in, out of `total`. */
export function shardIndexOf(exampleId: string, total: number): number {
  // 48 bits of sha256 are uniform enough and stay exact in a JS number.
  const bucket = Number.parseInt(sha256Hex(exampleId).slice(0, 12), 16) % total;
  return bucket + 1;
}

export function isInShard(exampleId: string, shard: Shard): boolean {
  return shard.total === 1 || shardIndexOf(exampleId, shard.total) === shard.index;
}

/** Keeps the cells of `shard`; with no shard every cell passes. */
export async function* selectShard(
  cells: AsyncIterable<PlannedCell> | Iterable<PlannedCell>,
  shard: Shard | undefined,
): AsyncGenerator<PlannedCell> {
  for await (const cell of cells) {
    if (!shard || isInShard(cell.exampleId, shard)) yield cell;
  }
}

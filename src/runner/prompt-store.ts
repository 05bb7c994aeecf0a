/**
 * The rendered prompts of a run: `<out>/prompts.jsonl`, one `{hash, messages}` line per
 * distinct rendered prompt. Journal records carry only the hash (`promptHash`), because one
 * prompt is often shared by many cells (repeats, and models whose families resolve to the
 * same definition), and reports look the text up here.
 *
 * Each new prompt is written synchronously before the record that names it is queued for
 * the journal, so a record never points at a prompt that is not on disk. Memory stays
 * bounded: the store keeps only recent hashes (see RecentHashes), never the text.
 */
import { closeSync, existsSync, openSync, writeSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { RunIncompleteError, UserError } from "../core/errors.js";
import { contentHash, sha256Hex } from "../core/hashing.js";
import type { ChatMessage } from "../core/types.js";
import { forEachJsonlLine, truncateTornTail } from "./journal.js";

export const PROMPTS_FILE = "prompts.jsonl";

export function promptsPathIn(outDir: string): string {
  return join(outDir, PROMPTS_FILE);
}

export interface StoredPrompt {
  hash: string;
  messages: ChatMessage[];
}

/** The hash a record's `promptHash` holds for these messages: `contentHash(messages)`. */
export function promptHashOf(messages: readonly ChatMessage[]): string {
  const text = plainMessagesJson(messages);
  return text === undefined ? contentHash(messages) : sha256Hex(text).slice(0, 16);
}

/**
 * stableStringify(messages) for the usual messages, plain `{role, content}` string pairs,
 * written directly: every cell hashes its prompt, and the generic walk (keys listed,
 * filtered, sorted and joined per object) was a visible share of a cell's allocations.
 * Anything else (another key, a non-string value) is left to stableStringify: undefined.
 */
function plainMessagesJson(messages: readonly ChatMessage[]): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  let text = "[";
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as unknown as Record<string, unknown>;
    if (message === null || typeof message !== "object" || Array.isArray(message)) return undefined;
    let keys = 0;
    for (const key in message) {
      if (!Object.hasOwn(message, key)) return undefined;
      keys++;
    }
    const { role, content } = message;
    if (keys !== 2 || typeof role !== "string" || typeof content !== "string") return undefined;
    // Keys in sorted order, as stableStringify writes them.
    text += `${i === 0 ? "" : ","}{"content":${JSON.stringify(content)},"role":${JSON.stringify(role)}}`;
  }
  return `${text}]`;
}

/**
 * Streams the prompts of a prompts.jsonl (a torn last line is ignored; a broken line
 * elsewhere is a UserError naming it).
 */
export async function forEachStoredPrompt(
  file: string,
  onPrompt: (prompt: StoredPrompt) => void,
): Promise<void> {
  if (!existsSync(file)) return;
  await forEachJsonlLine(file, (text, line) => {
    if (text.trim() === "") return;
    let prompt: StoredPrompt;
    try {
      prompt = JSON.parse(text) as StoredPrompt;
    } catch {
      throw new UserError(
        "prompts file line is not valid JSON; delete that line (reports will show the prompt as missing)",
        { file, line },
      );
    }
    if (typeof prompt?.hash !== "string" || !Array.isArray(prompt.messages)) {
      throw new UserError("prompts file line has no hash/messages; delete it", { file, line });
    }
    onPrompt(prompt);
  });
}

/**
 * The hashes written recently, in two generations of at most `window` each, so memory stays
 * bounded on a 100k-cell run. Cells are planned example by example (every model and repeat
 * of an example together), so the prompts that repeat are recent ones; a prompt seen again
 * after more than `window` others is written a second time, which readers take as one.
 */
class RecentHashes {
  private current = new Set<string>();
  private previous = new Set<string>();
  constructor(private readonly window: number) {}
  has(hash: string): boolean {
    return this.current.has(hash) || this.previous.has(hash);
  }
  add(hash: string): void {
    if (this.current.size >= this.window) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(hash);
  }
}

/** Distinct prompts remembered by a run's store (merge remembers all of them). */
export const PROMPT_HASH_WINDOW = 4096;

export class PromptStore {
  readonly file: string;
  private fd: number | undefined;
  private readonly hashes: RecentHashes;

  private constructor(file: string, fd: number, hashes: RecentHashes) {
    this.file = file;
    this.fd = fd;
    this.hashes = hashes;
  }

  /** Opens `file` for appending; on resume, the recent prompts already in it are not written again. */
  static async open(file: string, options: { window?: number } = {}): Promise<PromptStore> {
    await mkdir(dirname(file), { recursive: true });
    truncateTornTail(file);
    const hashes = new RecentHashes(options.window ?? PROMPT_HASH_WINDOW);
    await forEachStoredPrompt(file, (p) => hashes.add(p.hash));
    return new PromptStore(file, openSync(file, "a"), hashes);
  }

  /** Stores `messages` unless a prompt with the same hash was stored recently; returns the hash. */
  store(messages: readonly ChatMessage[]): string {
    const hash = promptHashOf(messages);
    if (this.hashes.has(hash)) return hash;
    if (this.fd === undefined) throw new Error(`prompts file ${this.file} is closed`);
    const bytes = Buffer.from(`${JSON.stringify({ hash, messages })}\n`, "utf8");
    try {
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset);
    } catch (err) {
      throw new RunIncompleteError(
        `could not write to ${this.file}: ${err instanceof Error ? err.message : err}; ` +
          "free disk space or fix permissions, then run again to resume",
      );
    }
    this.hashes.add(hash);
    return hash;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * Writes the union of the sources' prompts.jsonl into `outDir` (each hash once), through a
 * temporary file so a failed merge leaves no half-written file. Sources without one (run
 * before prompts were stored) are skipped.
 */
export async function mergePromptFiles(sourceDirs: readonly string[], outDir: string) {
  const out = promptsPathIn(outDir);
  const tmp = `${out}.merging`;
  await rm(tmp, { force: true });
  // Shards hold disjoint examples, so a merge remembers every hash to write each once.
  const store = await PromptStore.open(tmp, { window: Number.POSITIVE_INFINITY });
  try {
    for (const dir of sourceDirs) {
      await forEachStoredPrompt(promptsPathIn(dir), (p) => {
        store.store(p.messages);
      });
    }
  } catch (err) {
    store.close();
    await rm(tmp, { force: true });
    throw err;
  }
  store.close();
  await rename(tmp, out);
}

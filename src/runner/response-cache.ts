/**
 * Content-addressed response cache on disk, for model and judge calls alike. An entry is
 * keyed by everything that determines a response, so a hit is a replay of the very same
 * request; only successes are stored, so a failure is always retried on the next run.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { sha256Hex, stableStringify } from "../core/hashing.js";
import type { CatalogModel, ModelRequest, ModelSuccess } from "../core/types.js";

export const DEFAULT_CACHE_DIR = ".evalgate-cache";
// 2: keyed by the model's identity instead of its endpoint URL (format 1 entries never hit).
const CACHE_FORMAT = 2;

export interface CacheKeyParts {
  /** The model's identity, from `cacheIdentityFor(model)`: what answers, not where it listens. */
  model: string;
  request: ModelRequest;
  /** Repeats of a cell are separate samples, so each has its own entry. */
  repeat: number;
}

export interface CacheIdentityOptions {
  /** The call goes through the AI gateway, which renders the prompt itself. */
  viaGateway?: boolean;
  /**
   * The answer comes from evalgate's simulator (`--simulate`). Simulated answers must never
   * be replayed to a run against the real model, and the other way round. A string is the
   * hash of the simulator profile answering: another profile gives other answers.
   */
  simulated?: boolean | string;
}

/**
 * What decides a model's answer: provider kind, identifier, served name and family. The
 * transport is left out on purpose (endpoint host and port, region, API version, key): the
 * same model behind another port or load balancer gives the same answer, and the simulator
 * listens on a new port every run, which made a second `npm start` miss every entry.
 */
export function cacheIdentityFor(model: CatalogModel, options: CacheIdentityOptions = {}): string {
  return stableStringify({
    provider: model.provider,
    identifier: model.identifier,
    servedName: model.servedName,
    family: model.family,
    ...(options.viaGateway ? { via: "gateway" } : {}),
    ...(options.simulated ? { simulated: options.simulated } : {}),
  });
}

/**
 * sha256 (hex) of the stable JSON of the model identity, the request's messages, params,
 * responseFormat, logprobs and gateway prompt, and the repeat index. A judge call's messages
 * hold its rendered rubric, so another judge prompt is another key. Not part of the key: the
 * signal and the cell identity (the same request from another cell is the same call).
 */
export function cacheKeyFor(parts: CacheKeyParts): string {
  const { request } = parts;
  return sha256Hex(
    stableStringify({
      format: CACHE_FORMAT,
      model: parts.model,
      messages: request.messages,
      params: request.params,
      responseFormat: request.responseFormat,
      logprobs: request.logprobs,
      gatewayPrompt: request.gatewayPrompt,
      repeat: parts.repeat,
    }),
  );
}

export interface ResponseCacheOptions {
  /** Cache folder; relative paths resolve against `cwd`. Default `.evalgate-cache`. */
  dir?: string;
  cwd?: string;
  /** false (`--no-cache`): no reads, no writes. */
  enabled?: boolean;
}

export interface CacheStats {
  hits: number;
  misses: number;
  writes: number;
}

interface CacheEntry {
  format: number;
  key: string;
  response: ModelSuccess;
}

export class ResponseCache {
  /** Absolute cache folder. */
  readonly dir: string;
  readonly enabled: boolean;
  private readonly counters: CacheStats = { hits: 0, misses: 0, writes: 0 };

  constructor(options: ResponseCacheOptions = {}) {
    this.dir = resolve(options.cwd ?? process.cwd(), options.dir ?? DEFAULT_CACHE_DIR);
    this.enabled = options.enabled ?? true;
  }

  /** `<dir>/<first two hex chars>/<key>.json`: 256 subfolders keep directories small. */
  pathFor(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The stored success, or undefined on a miss, a disabled cache or an unreadable entry. */
  async get(key: string): Promise<ModelSuccess | undefined> {
    if (!this.enabled) return undefined;
    let text: string;
    try {
      text = await readFile(this.pathFor(key), "utf8");
    } catch {
      this.counters.misses++;
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as CacheEntry;
      if (entry.format === CACHE_FORMAT && entry.key === key && entry.response?.ok === true) {
        this.counters.hits++;
        return entry.response;
      }
    } catch {
      // A damaged entry is only a miss: the call is made again and the entry rewritten.
    }
    this.counters.misses++;
    return undefined;
  }

  /**
   * Stores a success. The entry is written to a uniquely named temp file in the same folder
   * and renamed into place, so a reader never sees half an entry and two processes writing
   * the same key both leave a whole one.
   */
  async set(key: string, response: ModelSuccess): Promise<void> {
    if (!this.enabled) return;
    const file = this.pathFor(key);
    const folder = join(this.dir, key.slice(0, 2));
    await mkdir(folder, { recursive: true });
    const tmp = join(folder, `.${key}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    const entry: CacheEntry = { format: CACHE_FORMAT, key, response: successOnly(response) };
    try {
      await writeFile(tmp, JSON.stringify(entry));
      await rename(tmp, file);
      this.counters.writes++;
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  stats(): CacheStats {
    return { ...this.counters };
  }
}

/** Only ModelSuccess fields: scheduling details added by the runner are not part of a reply. */
function successOnly(response: ModelSuccess): ModelSuccess {
  const { ok, text, finishReason, usage, latencyMs, requestId, logprobs, warnings } = response;
  return { ok, text, finishReason, usage, latencyMs, requestId, logprobs, warnings };
}

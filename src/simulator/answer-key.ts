import type { ChatMessage } from "../core/types.js";

/** One dataset example the simulated models may "know the answer" to. */
export interface AnswerKeyEntry {
  feature: string;
  inputs: Record<string, unknown>;
  reference: string;
}

export interface AnswerKeyMatch {
  index: number;
  entry: AnswerKeyEntry;
}

const MIN_LINE_LENGTH = 12;
/** Inline inputs (`Question: {{ question }}`) never match a whole line; a prefix probe does. */
const ANCHOR_LENGTH = 24;

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out);
  else if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) collectStrings(v, out);
  }
}

function addTo(map: Map<string, number[]>, key: string, index: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [index]);
  else if (list[list.length - 1] !== index) list.push(index);
}

/**
 * Finds which example a rendered prompt was built from: every distinct trimmed line of the
 * example's string inputs is indexed, and the example sharing the most lines with the
 * request wins (ties go to the lowest index). Lookups are hash-map hits per request line, so
 * the cost does not grow with the size of the answer key.
 */
export class AnswerKeyIndex {
  private readonly lines = new Map<string, number[]>();
  /** First ANCHOR_LENGTH chars of every indexed line, for lines embedded inside longer ones. */
  private readonly anchors = new Map<string, string[]>();

  constructor(readonly entries: readonly AnswerKeyEntry[]) {
    entries.forEach((entry, index) => {
      const strings: string[] = [];
      collectStrings(entry.inputs, strings);
      for (const text of strings) {
        for (const raw of text.split("\n")) {
          const line = raw.trim();
          if (line.length < MIN_LINE_LENGTH) continue;
          const known = this.lines.has(line);
          addTo(this.lines, line, index);
          if (!known && line.length >= ANCHOR_LENGTH) {
            const anchor = line.slice(0, ANCHOR_LENGTH);
            const list = this.anchors.get(anchor);
            if (list === undefined) this.anchors.set(anchor, [line]);
            else list.push(line);
          }
        }
      }
    });
  }

  get size(): number {
    return this.entries.length;
  }

  match(messages: readonly ChatMessage[]): AnswerKeyMatch | undefined {
    if (this.entries.length === 0) return undefined;
    const counts = new Map<number, number>();
    const unmatched: string[] = [];
    for (const message of messages) {
      for (const raw of message.content.split("\n")) {
        const line = raw.trim();
        if (line.length < MIN_LINE_LENGTH) continue;
        const hits = this.lines.get(line);
        if (hits === undefined) unmatched.push(line);
        else for (const i of hits) counts.set(i, (counts.get(i) ?? 0) + 1);
      }
    }
    let best = this.best(counts);
    // Only probe substrings when whole lines did not settle it: the common case stays cheap.
    if (best === undefined || best.tied) {
      this.probeEmbedded(unmatched, counts);
      best = this.best(counts);
    }
    if (best === undefined) return undefined;
    return { index: best.index, entry: this.entries[best.index]! };
  }

  private probeEmbedded(lines: readonly string[], counts: Map<number, number>): void {
    if (this.anchors.size === 0) return;
    for (const line of lines) {
      if (line.length < ANCHOR_LENGTH) continue;
      for (let at = 0; at + ANCHOR_LENGTH <= line.length; at++) {
        const candidates = this.anchors.get(line.slice(at, at + ANCHOR_LENGTH));
        if (candidates === undefined) continue;
        for (const key of candidates) {
          if (!line.startsWith(key, at)) continue;
          for (const i of this.lines.get(key)!) counts.set(i, (counts.get(i) ?? 0) + 1);
        }
      }
    }
  }

  private best(counts: Map<number, number>): { index: number; tied: boolean } | undefined {
    let index = -1;
    let top = 0;
    let tied = false;
    for (const [i, n] of counts) {
      if (n > top) {
        index = i;
        top = n;
        tied = false;
      } else if (n === top) {
        tied = true;
        if (i < index) index = i;
      }
    }
    return index < 0 ? undefined : { index, tied };
  }
}

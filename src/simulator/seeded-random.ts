import { createHash } from "node:crypto";

/**
 * Deterministic randomness: every draw the simulator makes comes from a generator seeded by
 * a hash of what it is about (model, request, attempt), so two runs — or two simulator
 * instances — given the same requests answer the same way.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Seeds from the SHA-256 of the parts joined with NUL (cheap next to a network round trip). */
  static from(...parts: readonly (string | number)[]): SeededRandom {
    return new SeededRandom(hashToUint32(parts.join("\u0000")));
  }

  /** Uniform in [0, 1) — mulberry32, small and good enough for simulation. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }
}

export function hashToUint32(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32BE(0);
}

export function hashHex(text: string, length = 16): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

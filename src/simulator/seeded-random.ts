import { createHash } from "node:crypto";
import { seededRandom } from "../scoring/index.js";

/**
 * Deterministic randomness: every draw the simulator makes comes from a generator seeded by
 * a hash of what it is about (model, request, attempt), so two runs — or two simulator
 * instances — given the same requests answer the same way.
 */
export class SeededRandom {
  private readonly draw: () => number;

  constructor(seed: number) {
    this.draw = seededRandom(seed);
  }

  /** Seeds from the SHA-256 of the parts joined with NUL (cheap next to a network round trip). */
  static from(...parts: readonly (string | number)[]): SeededRandom {
    return new SeededRandom(hashToUint32(parts.join("\u0000")));
  }

  /** Uniform in [0, 1): scoring's mulberry32, small and good enough for simulation. */
  next(): number {
    return this.draw();
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

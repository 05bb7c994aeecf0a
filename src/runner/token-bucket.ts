/**
 * Tokens-per-minute limiting. Requests take their estimated tokens before they are sent and
 * the estimate is corrected with the usage the server reports, so the bucket tracks what the
 * endpoint actually counts.
 */
import { sleep } from "./abort-signals.js";

export class TokenBucket {
  readonly capacity: number;
  private level: number;
  private readonly perMs: number;
  private last: number;
  private readonly now: () => number;

  constructor(tokensPerMinute: number, now: () => number = Date.now) {
    this.capacity = tokensPerMinute;
    this.level = tokensPerMinute;
    this.perMs = tokensPerMinute / 60_000;
    this.now = now;
    this.last = now();
  }

  available(): number {
    this.refill();
    return this.level;
  }

  /** Waits until `tokens` are available and takes them. Asks above capacity are clamped. */
  async take(tokens: number, signal?: AbortSignal): Promise<void> {
    const want = Math.min(Math.max(0, tokens), this.capacity);
    for (;;) {
      this.refill();
      if (this.level >= want) {
        this.level -= want;
        return;
      }
      await sleep(Math.max(1, Math.ceil((want - this.level) / this.perMs)), signal);
    }
  }

  /** Corrects an earlier estimate: positive `delta` takes more (the level may go negative). */
  adjust(delta: number): void {
    this.refill();
    this.level = Math.min(this.capacity, this.level - delta);
  }

  private refill(): void {
    const t = this.now();
    this.level = Math.min(this.capacity, this.level + (t - this.last) * this.perMs);
    this.last = t;
  }
}

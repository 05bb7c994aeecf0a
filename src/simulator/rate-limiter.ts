/**
 * Per-model admission: a concurrency cap and a token bucket (burst of one second's worth).
 * Requests beyond them are refused at once with a Retry-After, as a saturated inference
 * server or a provider's rate limiter would.
 */
export type Admission = { admitted: true } | { admitted: false; retryAfterMs: number };

export class ModelRateLimiter {
  inFlight = 0;
  peakInFlight = 0;
  private tokens: number;
  private lastRefill: number;

  constructor(
    private readonly maxConcurrency: number | undefined,
    private readonly maxRps: number | undefined,
    now: number,
  ) {
    this.tokens = maxRps === undefined ? 0 : Math.max(1, maxRps);
    this.lastRefill = now;
  }

  /** On admission the caller owns one in-flight slot and must call `leave()` exactly once. */
  tryEnter(now: number): Admission {
    if (this.maxConcurrency !== undefined && this.inFlight >= this.maxConcurrency) {
      // A slot frees within one typical request; a short hint keeps clients from idling.
      return { admitted: false, retryAfterMs: 100 };
    }
    if (this.maxRps !== undefined) {
      const capacity = Math.max(1, this.maxRps);
      this.tokens = Math.min(
        capacity,
        this.tokens + ((now - this.lastRefill) / 1000) * this.maxRps,
      );
      this.lastRefill = now;
      if (this.tokens < 1) {
        return {
          admitted: false,
          retryAfterMs: Math.ceil(((1 - this.tokens) / this.maxRps) * 1000),
        };
      }
      this.tokens -= 1;
    }
    this.enter();
    return { admitted: true };
  }

  enter(): void {
    this.inFlight += 1;
    if (this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight;
  }

  leave(): void {
    this.inFlight -= 1;
  }
}

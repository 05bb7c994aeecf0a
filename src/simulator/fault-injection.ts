import type { ModelProfile } from "./profile-schema.js";
import { SeededRandom } from "./seeded-random.js";

export type FaultKind =
  | "rate_429"
  | "rate_429_no_retry_after"
  | "server_500"
  | "server_503"
  | "reset"
  | "hang"
  | "malformed"
  | "content_filter"
  | "refusal"
  | "judge_no_score";

/** Fixed order so the same probabilities always carve [0, 1) the same way. */
const FAULT_ORDER: readonly FaultKind[] = [
  "rate_429",
  "rate_429_no_retry_after",
  "server_500",
  "server_503",
  "reset",
  "hang",
  "malformed",
  "content_filter",
  "refusal",
  "judge_no_score",
];

/**
 * Counts how often each exact request has been seen, so that faults are drawn per attempt:
 * a retry is a new draw and can succeed, yet a whole run replays identically.
 */
export class AttemptCounter {
  private readonly seen = new Map<string, number>();

  next(requestKey: string): number {
    const n = (this.seen.get(requestKey) ?? 0) + 1;
    this.seen.set(requestKey, n);
    return n;
  }
}

export interface AttemptDraw {
  fault: FaultKind | undefined;
  /** Extra latency in [0, jitter_ms). */
  jitterMs: number;
}

export function drawAttempt(
  profile: ModelProfile,
  requestKey: string,
  attempt: number,
): AttemptDraw {
  const random = SeededRandom.from("attempt", profile.name, requestKey, attempt);
  const u = random.next();
  const jitterMs = profile.jitterMs > 0 ? random.next() * profile.jitterMs : 0;
  let cumulative = 0;
  for (const kind of FAULT_ORDER) {
    cumulative += profile.faults[kind] ?? 0;
    if (u < cumulative) return { fault: kind, jitterMs };
  }
  return { fault: undefined, jitterMs };
}

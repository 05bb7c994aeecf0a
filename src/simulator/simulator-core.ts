import { type AnswerKeyEntry, AnswerKeyIndex } from "./answer-key.js";
import { AttemptCounter, drawAttempt, type FaultKind } from "./fault-injection.js";
import { type Exchange, resetConnection, sendText } from "./http-exchange.js";
import {
  type ModelProfile,
  type ParsedSimulatorProfile,
  resolveModelProfile,
} from "./profile-schema.js";
import { ModelRateLimiter } from "./rate-limiter.js";
import { hashHex } from "./seeded-random.js";
import { SimulatedModels } from "./simulated-model.js";
import {
  bump,
  type ModelStats,
  type Outcome,
  type RouteKind,
  type SimulatorStats,
} from "./simulator-stats.js";

/** Failures every protocol can express, each in its own wire format. */
export type SimulatedFailure =
  | { kind: "unauthorized" }
  | { kind: "unknown_model"; model: string }
  | { kind: "bad_request"; message: string }
  | { kind: "context_too_long"; limit: number; actual: number }
  | { kind: "unsupported"; feature: "json_schema" | "logprobs" }
  | { kind: "content_filter" }
  | { kind: "rate_limited"; retryAfterMs: number | undefined }
  | { kind: "server_error"; status: 500 | 503 }
  | { kind: "timeout" };

export type FailureWriter = (
  exchange: Exchange,
  failure: SimulatedFailure,
  requestId: string,
) => void;

const FAILURE_OUTCOME: Record<SimulatedFailure["kind"], Outcome> = {
  unauthorized: "4xx",
  unknown_model: "4xx",
  bad_request: "4xx",
  context_too_long: "4xx",
  unsupported: "4xx",
  content_filter: "content_filter",
  rate_limited: "429",
  server_error: "5xx",
  timeout: "hang",
};

interface ModelState {
  profile: ModelProfile;
  limiter: ModelRateLimiter;
  stats: ModelStats;
}

export interface AdmittedCall {
  profile: ModelProfile;
  /** Faults that shape the answer itself (refusal, judge_no_score, content_filter). */
  fault: FaultKind | undefined;
  requestId: string;
  fail(failure: SimulatedFailure): Outcome;
}

export interface CallSpec {
  route: RouteKind;
  wireName: string;
  /**
   * A judge request (its user turn carries <reference>/<response>): a judge that shares its
   * wire name with a model under test is then found through `judgeAliases`.
   */
  judge: boolean;
  /** The key or token the client sent, compared with the profile's api_key. */
  credential: string | undefined;
  failures: FailureWriter;
}

/** The outcome of a successful answer: an answer-shaping fault is counted as what it did. */
export function answerOutcome(fault: FaultKind | undefined, isJudge: boolean): Outcome {
  if (fault === "judge_no_score") return isJudge ? "judge_no_score" : "ok";
  if (fault === "refusal" || fault === "content_filter") return fault;
  return "ok";
}

/** Shared state and the one admission path every protocol goes through. */
export class SimulatorCore {
  readonly models: SimulatedModels;
  readonly answerKey: AnswerKeyIndex;
  private readonly states = new Map<string, ModelState>();
  private readonly attempts = new AttemptCounter();
  private readonly waits = new Set<() => void>();
  private closing = false;
  private readonly totals: SimulatorStats = {
    requests: 0,
    outcomes: {},
    routes: {},
    connections: { http1: 0, http2: 0 },
    models: {},
  };

  constructor(
    readonly profile: ParsedSimulatorProfile,
    answerKey: readonly AnswerKeyEntry[],
    private readonly aliases: Record<string, string>,
    private readonly judgeAliases: Record<string, string> = {},
  ) {
    this.answerKey = new AnswerKeyIndex(answerKey);
    this.models = new SimulatedModels(this.answerKey);
  }

  modelState(wireName: string, judge = false): ModelState {
    const judgeAlias = judge ? this.judgeAliases[wireName] : undefined;
    const key = judgeAlias === undefined ? wireName : `${wireName}\u0000judge`;
    let state = this.states.get(key);
    if (state !== undefined) return state;
    const models = this.profile.models ?? {};
    const alias = judgeAlias ?? this.aliases[wireName];
    const name =
      judgeAlias !== undefined && judgeAlias in models
        ? judgeAlias
        : wireName in models
          ? wireName
          : alias !== undefined && alias in models
            ? alias
            : (alias ?? wireName);
    const profile = resolveModelProfile(name, models[name], this.profile.defaults);
    // Two wire names aliasing one profile entry share its limits and counters.
    const shared = [...this.states.values()].find((s) => s.profile.name === name);
    state = shared ?? {
      profile,
      limiter: new ModelRateLimiter(profile.maxConcurrency, profile.maxRps, performance.now()),
      stats: { requests: 0, outcomes: {}, concurrency: 0, peakConcurrency: 0 },
    };
    this.states.set(key, state);
    this.totals.models[name] = state.stats;
    return state;
  }

  countConnection(version: "http1" | "http2"): void {
    this.totals.connections[version] += 1;
  }

  countRoute(route: RouteKind): void {
    bump(this.totals.routes, route);
  }

  /** Records a request that never reached a model (bad JSON, unknown route). */
  recordUnrouted(outcome: Outcome): void {
    this.totals.requests += 1;
    bump(this.totals.outcomes, outcome);
  }

  /**
   * Auth, model check, rate limits, per-attempt fault draw, latency — then `answer`, which
   * returns the outcome. Every request ends with exactly one outcome in the stats.
   */
  async serve(
    exchange: Exchange,
    spec: CallSpec,
    answer: (call: AdmittedCall) => Outcome,
  ): Promise<void> {
    const state = this.modelState(spec.wireName, spec.judge);
    const { profile } = state;
    const requestKey = hashHex(`${spec.route}\u0000${spec.wireName}\u0000${exchange.body}`, 24);
    const attempt = this.attempts.next(requestKey);
    const requestId = hashHex(`${requestKey}#${attempt}`, 24);
    const fail = (failure: SimulatedFailure): Outcome => {
      spec.failures(exchange, failure, requestId);
      return FAILURE_OUTCOME[failure.kind];
    };
    const finish = (outcome: Outcome) => {
      state.stats.requests += 1;
      bump(state.stats.outcomes, outcome);
      this.totals.requests += 1;
      bump(this.totals.outcomes, outcome);
    };
    if (profile.apiKey !== undefined && spec.credential !== profile.apiKey) {
      return finish(fail({ kind: "unauthorized" }));
    }
    if (this.profile.strict_models === true && !profile.known) {
      return finish(fail({ kind: "unknown_model", model: spec.wireName }));
    }
    const admission = state.limiter.tryEnter(performance.now());
    if (!admission.admitted) {
      return finish(fail({ kind: "rate_limited", retryAfterMs: admission.retryAfterMs }));
    }
    this.syncConcurrency(state);
    let outcome: Outcome = "aborted";
    try {
      const draw = drawAttempt(profile, requestKey, attempt);
      await this.wait(profile.latencyMs + draw.jitterMs);
      outcome =
        exchange.gone || this.closing
          ? "aborted"
          : await this.applyFault(exchange, draw.fault, profile, fail, answer, requestId);
    } finally {
      state.limiter.leave();
      this.syncConcurrency(state);
      finish(outcome);
    }
  }

  private async applyFault(
    exchange: Exchange,
    fault: FaultKind | undefined,
    profile: ModelProfile,
    fail: (failure: SimulatedFailure) => Outcome,
    answer: (call: AdmittedCall) => Outcome,
    requestId: string,
  ): Promise<Outcome> {
    switch (fault) {
      case "rate_429":
        return fail({ kind: "rate_limited", retryAfterMs: profile.retryAfterMs });
      case "rate_429_no_retry_after":
        return fail({ kind: "rate_limited", retryAfterMs: undefined });
      case "server_500":
        return fail({ kind: "server_error", status: 500 });
      case "server_503":
        return fail({ kind: "server_error", status: 503 });
      case "reset":
        resetConnection(exchange);
        return "reset";
      case "hang":
        await this.wait(profile.hangMs);
        if (this.closing) resetConnection(exchange);
        else fail({ kind: "timeout" });
        return "hang";
      case "malformed":
        // Cut mid-object, the way a proxy that drops the tail of a body would.
        sendText(
          exchange,
          200,
          "application/json",
          '{"id":"sim-malformed","choices":[{"message":{"content":"',
        );
        return "malformed";
      default:
        return answer({ profile, fault, requestId, fail });
    }
  }

  private syncConcurrency(state: ModelState): void {
    state.stats.concurrency = state.limiter.inFlight;
    state.stats.peakConcurrency = state.limiter.peakInFlight;
  }

  /** A timer close() can cut short, so hangs and latency never outlive the server. */
  private wait(ms: number): Promise<void> {
    if (ms <= 0 || this.closing) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waits.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waits.add(done);
    });
  }

  close(): void {
    this.closing = true;
    for (const done of [...this.waits]) done();
  }

  stats(): SimulatorStats {
    // A deep copy: callers compare snapshots taken at different times.
    return structuredClone(this.totals);
  }
}

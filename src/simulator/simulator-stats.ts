/** What happened to each request, counted per model and overall (see `stats()`). */
export type Outcome =
  | "ok"
  | "refusal"
  | "judge_no_score"
  | "content_filter"
  | "malformed"
  | "429"
  | "4xx"
  | "5xx"
  | "reset"
  | "hang"
  | "aborted";

export type RouteKind = "openai" | "azure" | "bedrock" | "gateway_v1" | "gateway_v2";

export interface ModelStats {
  requests: number;
  outcomes: Partial<Record<Outcome, number>>;
  /** Requests in flight now (admitted, not yet answered). */
  concurrency: number;
  peakConcurrency: number;
}

export interface SimulatorStats {
  requests: number;
  outcomes: Partial<Record<Outcome, number>>;
  routes: Partial<Record<RouteKind, number>>;
  /** Connections accepted, by the HTTP version the first bytes announced. */
  connections: { http1: number; http2: number };
  /** Keyed by profile name (the catalog name when reached through an alias), else wire name. */
  models: Record<string, ModelStats>;
}

export function bump<K extends string>(counts: Partial<Record<K, number>>, key: K): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

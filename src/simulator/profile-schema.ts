import { z } from "zod";
import { loadYamlFile } from "../config/index.js";
import { UserError } from "../core/errors.js";

/**
 * The simulator profile: how each simulated model behaves (quality per feature, latency,
 * faults, rate limits, protocol features it supports). Every field is optional; a model the
 * profile does not name behaves like `defaults`, which behave like a middling model.
 */

const probability = z.number().min(0).max(1);

export const faultsSchema = z
  .strictObject({
    rate_429: probability.optional().describe("Answer 429 with Retry-After."),
    rate_429_no_retry_after: probability.optional().describe("Answer 429 without Retry-After."),
    server_500: probability.optional().describe("Answer 500."),
    server_503: probability.optional().describe("Answer 503."),
    reset: probability.optional().describe("Destroy the connection without answering."),
    hang: probability.optional().describe("Hold the request for hang_ms, then answer a timeout."),
    malformed: probability.optional().describe("Answer 200 with a body that is not valid JSON."),
    content_filter: probability
      .optional()
      .describe("Filter the answer (Azure: 400 content_filter; others: a filtered finish)."),
    refusal: probability.optional().describe(`Reply "I'm sorry, I can't help with that."`),
    judge_no_score: probability.optional().describe("Judges reply without a SCORE line."),
    hang_ms: z.number().int().min(0).optional().describe("How long a hang lasts (default 60000)."),
    retry_after_ms: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("Retry-After given with rate_429 (default 1000)."),
  })
  .describe("Per-attempt fault probabilities (drawn again for every retry).");

const qualitySchema = z.union([
  probability,
  z.record(z.string(), probability).describe("Quality per feature id; `default` for the rest."),
]);

export const modelSettingsSchema = z.strictObject({
  role: z.enum(["model", "judge"]).optional().describe("`judge` grades every request it gets."),
  quality: qualitySchema
    .optional()
    .describe("Share of answers close to the reference (0–1), overall or per feature."),
  latency_ms: z.number().min(0).optional().describe("Added latency per request."),
  jitter_ms: z.number().min(0).optional().describe("Up to this much more latency, seeded."),
  faults: faultsSchema.optional(),
  limits: z
    .strictObject({
      max_concurrency: z.number().int().min(1).optional(),
      max_rps: z.number().positive().optional(),
    })
    .optional()
    .describe("Beyond these the model answers 429."),
  supports: z
    .strictObject({
      json_schema: z.boolean().optional(),
      logprobs: z.boolean().optional(),
    })
    .optional()
    .describe("false: answer 400 for response_format json_schema / logprobs, like vLLM or Ollama."),
  api_key: z.string().min(1).optional().describe("Require this key (Bearer or api-key header)."),
  context_window: z.number().int().positive().optional().describe("Prompt tokens allowed."),
  pairwise_position_bias: probability
    .optional()
    .describe(
      "As a pairwise judge: share of verdicts that pick answer A whatever the answers say (default 0).",
    ),
});

export const simulatorProfileSchema = z
  .strictObject({
    strict_models: z
      .boolean()
      .optional()
      .describe("true: unknown models get 404 instead of middling defaults."),
    gateway: z
      .strictObject({
        token: z.string().min(1).optional().describe("Require `Authorization: Bearer <token>`."),
        allowed_endpoints: z.array(z.string()).optional().describe("Else 421 for model endpoints."),
      })
      .optional(),
    defaults: modelSettingsSchema.optional(),
    models: z.record(z.string(), modelSettingsSchema).optional(),
  })
  .describe("evalgate simulator profile.");

export type SimulatorProfile = z.input<typeof simulatorProfileSchema>;
export type ModelSettings = z.output<typeof modelSettingsSchema>;
export type FaultSettings = z.output<typeof faultsSchema>;

export const DEFAULT_QUALITY = 0.6;
export const DEFAULT_HANG_MS = 60_000;
export const DEFAULT_RETRY_AFTER_MS = 1_000;

/** Everything the server needs about one model, defaults applied, resolved once per name. */
export interface ModelProfile {
  /** The profile entry name (catalog name when reached through an alias), else the wire name. */
  name: string;
  known: boolean;
  role: "model" | "judge";
  qualityFor(feature: string | undefined): number;
  latencyMs: number;
  jitterMs: number;
  faults: FaultSettings;
  hangMs: number;
  retryAfterMs: number;
  maxConcurrency: number | undefined;
  maxRps: number | undefined;
  supportsJsonSchema: boolean;
  supportsLogprobs: boolean;
  apiKey: string | undefined;
  contextWindow: number | undefined;
  /** Pairwise judging: probability of answering A regardless of the answers. */
  pairwisePositionBias: number;
}

function qualityLookup(
  own: ModelSettings["quality"],
  fallback: ModelSettings["quality"],
): (feature: string | undefined) => number {
  const pick = (q: ModelSettings["quality"], feature: string | undefined): number | undefined => {
    if (q === undefined || typeof q === "number") return q;
    return (feature !== undefined ? q[feature] : undefined) ?? q["default"];
  };
  return (feature) => pick(own, feature) ?? pick(fallback, feature) ?? DEFAULT_QUALITY;
}

export function resolveModelProfile(
  name: string,
  own: ModelSettings | undefined,
  defaults: ModelSettings | undefined,
): ModelProfile {
  const d = defaults ?? {};
  const m = own ?? {};
  const faults = { ...d.faults, ...m.faults };
  const limits = { ...d.limits, ...m.limits };
  const supports = { ...d.supports, ...m.supports };
  return {
    name,
    known: own !== undefined,
    role: m.role ?? d.role ?? "model",
    qualityFor: qualityLookup(m.quality, d.quality),
    latencyMs: m.latency_ms ?? d.latency_ms ?? 0,
    jitterMs: m.jitter_ms ?? d.jitter_ms ?? 0,
    faults,
    hangMs: faults.hang_ms ?? DEFAULT_HANG_MS,
    retryAfterMs: faults.retry_after_ms ?? DEFAULT_RETRY_AFTER_MS,
    maxConcurrency: limits.max_concurrency,
    maxRps: limits.max_rps,
    supportsJsonSchema: supports.json_schema ?? true,
    supportsLogprobs: supports.logprobs ?? true,
    apiKey: m.api_key ?? d.api_key,
    contextWindow: m.context_window ?? d.context_window,
    pairwisePositionBias: m.pairwise_position_bias ?? d.pairwise_position_bias ?? 0,
  };
}

export type ParsedSimulatorProfile = z.output<typeof simulatorProfileSchema>;

/** Validates a profile given in code; problems become one UserError listing every issue. */
export function parseSimulatorProfile(
  profile: SimulatorProfile | undefined,
): ParsedSimulatorProfile {
  const result = simulatorProfileSchema.safeParse(profile ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map(
    (i) => `${i.path.join(".") || "(top level)"}: ${i.message}`,
  );
  throw new UserError(`invalid simulator profile: ${issues.join("; ")}`);
}

/** Reads a profile YAML file; errors point at file:line:column. */
export async function loadSimulatorProfile(file: string): Promise<SimulatorProfile> {
  return (await loadYamlFile(file, simulatorProfileSchema)).value;
}

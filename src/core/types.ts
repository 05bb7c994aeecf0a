/**
 * The shared nouns of the pipeline. Every stage speaks these; nothing here does work.
 *
 *   config ─► plan ─► render ─► call model ─► judge ─► journal ─► aggregate ─► reports
 */

/** One dataset row, ready to fill a prompt template. */
export interface Example {
  /** Given by the dataset (`id` field/column) or a stable hash of the inputs. */
  id: string;
  /** Template variables. */
  inputs: Record<string, unknown>;
  /** The reference answer (`outputs.output`, `reference`/`expected` column), if any. */
  reference: string | undefined;
  /** Where the example came from, for error messages: file and 1-based line (row for CSV). */
  source: { file: string; line: number };
}

export type ChatRole = "system" | "user" | "assistant";
export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/**
 * Merged request parameters: catalog model params overridden by the definition's
 * `model.params`, with the definition's `params.stop` / `params.timeout` carried along.
 * `timeout` is in seconds, as the gateway's definitions write it.
 */
export interface ModelParams {
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  stop?: string[];
  timeout?: number;
  [key: string]: unknown;
}

/** A prompt resolved and rendered for one example: exactly what would be sent. */
export interface RenderedPrompt {
  promptId: string;
  /** The family folder actually used, after fallback (`base` when none matched). */
  family: string;
  version: string;
  /** Definition path relative to the definitions root, with `/` separators. */
  file: string;
  messages: ChatMessage[];
  params: ModelParams;
}

/** How evalgate reaches a model. Derived from the identifier prefix unless set. */
export type ProviderKind = "openai_compatible" | "azure_openai" | "bedrock" | "gateway";

export interface ModelLimits {
  /** Requests in flight at once against this model's endpoint. */
  concurrency: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

export interface ModelPrices {
  /** USD per million input tokens. */
  inputPerMillion: number;
  /** USD per million output tokens. */
  outputPerMillion: number;
}

/** A model from the catalog, fully resolved (defaults applied, family chain known). */
export interface CatalogModel {
  name: string;
  /** Its family, e.g. `mixtral`. */
  family: string;
  /** The family fallback chain the gateway would try, e.g. [`mixtral`, `mistral`]. */
  familyChain: string[];
  provider: ProviderKind;
  /** Base URL (OpenAI-compatible `.../v1`, Azure resource URL, Bedrock endpoint override). */
  endpoint: string | undefined;
  /** Full identifier, e.g. `custom_openai/mistralai/Mistral-7B-Instruct-v0.3`. */
  identifier: string;
  /** Identifier prefix (`custom_openai`, `bedrock`, `azure`, `fireworks_ai`, `openai`). */
  identifierPrefix: string;
  /** The served model name / Bedrock model id / Azure deployment (identifier minus prefix). */
  servedName: string;
  /** Name of the environment variable holding the API key; never the key itself. */
  apiKeyEnv: string | undefined;
  /** AWS region (Bedrock) or API version (Azure), when relevant. */
  region: string | undefined;
  apiVersion: string | undefined;
  params: ModelParams;
  limits: ModelLimits;
  prices: ModelPrices | undefined;
}

/** Normalised failure classes; the runner decides what to retry from these alone. */
export type ErrorClass =
  | "rate_limited"
  | "timeout"
  | "server"
  | "connection"
  | "auth"
  | "bad_request"
  | "content_filtered"
  | "context_too_long"
  /** Not sent: the endpoint's circuit breaker opened after consecutive connection or auth failures. */
  | "endpoint_down";

export interface CellIdentity {
  cellId: string;
  feature: string;
  model: string;
  exampleId: string;
  repeat: number;
}

export interface ModelRequest {
  messages: ChatMessage[];
  params: ModelParams;
  /** Which cell this call belongs to (for logs and the simulator's determinism). */
  cell?: CellIdentity;
  /** Ask for structured output; providers that cannot do it say so in `warnings`. */
  responseFormat?: { type: "json_schema"; name: string; schema: Record<string, unknown> };
  /** Ask for token logprobs (top-k alternatives). */
  logprobs?: { topLogprobs: number };
  /** Abort the call (Ctrl-C, run cancelled). The per-call timeout is the client's own: `params.timeout`, else its default. */
  signal?: AbortSignal;
  /** Gateway mode only: what the gateway needs to render the prompt itself. */
  gatewayPrompt?: { promptId: string; promptVersion: string; inputs: Record<string, unknown> };
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface TokenLogprob {
  token: string;
  logprob: number;
  top: { token: string; logprob: number }[];
}

export interface ModelSuccess {
  ok: true;
  text: string;
  /** `stop`, `length`, `content_filter`, `tool_calls` or the provider's own word. */
  finishReason: string;
  usage: TokenUsage | undefined;
  latencyMs: number;
  requestId: string | undefined;
  logprobs?: TokenLogprob[];
  /** Things the caller asked for that the server could not do (e.g. no json_schema support). */
  warnings?: string[];
}

export interface ModelFailure {
  ok: false;
  errorClass: ErrorClass;
  /** Human-readable, never containing a secret. */
  message: string;
  status?: number;
  /** From the server's Retry-After / retry-after-ms, when given. */
  retryAfterMs?: number;
  latencyMs: number;
  requestId: string | undefined;
}

export type ModelResponse = ModelSuccess | ModelFailure;

export interface ModelClient {
  /** Never throws for a failed call: failures come back as `ModelFailure`. */
  complete(request: ModelRequest): Promise<ModelResponse>;
  close?(): Promise<void>;
}

/** A judge's verdict on one response. `score` is null when the reply had no usable score. */
export interface JudgeScore {
  /** 1–4; a combination of several criteria (mean, weighted) may fall between grades. */
  score: number | null;
  explanation: string;
  judge: string;
  /** Each criterion's grade when the evaluator has criteria (judged and checks). */
  criteria?: Record<string, number>;
  /** G-Eval: the probability-weighted grade, when asked for and the endpoint gave logprobs. */
  expectedScore?: number;
  /** A jury's members, each with its own score (null: its call failed or gave no grade). */
  judges?: JurorScore[];
  /** How far a jury's members were apart on this response. */
  disagreement?: JuryDisagreement;
}

/** One jury member's grade of one response. */
export interface JurorScore {
  name: string;
  score: number | null;
  explanation: string;
}

export interface JuryDisagreement {
  /** Highest minus lowest member score (0 when they agree). */
  range: number;
  /** Members fell on both sides of the pass decision (score ≥ 3). */
  split: boolean;
}

/**
 * `skipped`: an adaptive run (`run --adaptive`) stopped sampling the cell's (feature, model)
 * because its verdict was settled; the record carries `adaptiveStop`. Never a failure and
 * never missing: the cell was decided, not lost.
 */
export type CellStatus = "scored" | "unscored" | "error" | "skipped";

/** Why an adaptive run stopped a (feature, model), as each of its `skipped` records says. */
export interface AdaptiveStop {
  /** Examples of the seeded random order whose results settled the verdict. */
  afterExamples: number;
  /** Of which passed (after the repeat reducer). */
  passed: number;
  /** Examples the full run would have had. */
  examples: number;
  verdict: "green" | "yellow" | "red";
  /** The full run's pass rate, as far as the confidence sequence still allows at the stop. */
  interval: { low: number; high: number };
  confidence: number;
  seed: number;
}

/** The one terminal record per planned cell, as written to journal.jsonl. */
export interface CellRecord extends CellIdentity {
  status: CellStatus;
  /** Final score (1–4) when scored. */
  score?: number;
  passed?: boolean;
  /** Why unscored / error. */
  reason?: string;
  errorClass?: ErrorClass;
  promptFile?: string;
  promptVersion?: string;
  family?: string;
  usage?: TokenUsage;
  judgeUsage?: TokenUsage;
  latencyMs?: number;
  attempts?: number;
  cached?: boolean;
  /** Which call failed, for error records: the model under test or its judge. */
  failedStage?: "model" | "judge";
  /** The judge (or check) that scored the cell, or whose call failed. */
  judge?: string;
  /** Per-criterion grades, when the evaluator has several criteria. */
  criteria?: Record<string, number>;
  /** G-Eval probability-weighted score (evaluator `logprobs: true`). */
  expectedScore?: number;
  /** Every jury member's score and explanation, when a jury judged the cell. */
  judges?: JurorScore[];
  /** The jury's spread on this cell. */
  disagreement?: JuryDisagreement;
  finishedAt: string;
  /** Response text and judge explanation: only written to the run folder. */
  response?: string;
  judgeExplanation?: string;
  /** On `skipped` records: the adaptive stop that decided the cell. */
  adaptiveStop?: AdaptiveStop;
  /** The example's template variables, so reports can show it without the dataset. */
  inputs?: Record<string, unknown>;
  /** The example's reference answer, when the dataset has one. */
  reference?: string;
  /** contentHash of the rendered messages; their text is in prompts.jsonl, once per hash. */
  promptHash?: string;
}

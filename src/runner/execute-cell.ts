/**
 * Executing one cell: render → model → judge → exactly one terminal CellRecord. Whatever
 * goes wrong (render error, failed call, judge failure, a thrown bug) ends as an `error` or
 * `unscored` record; only a cancelled run (the signal aborted) leaves a cell without one, so
 * it runs again on resume.
 */
import type {
  CellRecord,
  ChatMessage,
  ModelClient,
  ModelRequest,
  ModelResponse,
  RenderedPrompt,
} from "../core/types.js";
import type { Judge, JudgeOutcome } from "../judges/index.js";
import { abortReason } from "./abort-signals.js";
import type { PlannedCell } from "./plan-cells.js";

export interface CellExecutorOptions {
  /** Resolve and render the cell's prompt (the run command passes registry.resolve/render). */
  render(cell: PlannedCell): RenderedPrompt | Promise<RenderedPrompt>;
  /** The model's client, normally a `scheduleClient(...)` so calls are queued and retried. */
  clientFor(cell: PlannedCell): ModelClient;
  /** The judge of the cell's feature; its model client should be a scheduled one too. */
  judgeFor(cell: PlannedCell): Judge;
  /** Builds the request from the rendered prompt; override for gateway mode. */
  toRequest?(cell: PlannedCell, prompt: RenderedPrompt): ModelRequest;
  /** Keep response text and judge explanation in records (default true). */
  keepText?: boolean;
  now?: () => Date;
}

export type CellExecutor = (cell: PlannedCell, signal: AbortSignal) => Promise<CellRecord>;

/** Score ≥ 3 on the 1–4 scale passes. */
export const PASSING_SCORE = 3;

function userText(messages: ChatMessage[]): string {
  return messages
    .filter((m) => m.role === "user")
    .map((m) => m.content)
    .join("\n\n");
}

function defaultRequest(cell: PlannedCell, prompt: RenderedPrompt): ModelRequest {
  return { messages: prompt.messages, params: prompt.params, cell: identityOf(cell) };
}

function identityOf(cell: PlannedCell) {
  const { cellId, feature, model, exampleId, repeat } = cell;
  return { cellId, feature, model, exampleId, repeat };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createCellExecutor(options: CellExecutorOptions): CellExecutor {
  const now = options.now ?? (() => new Date());
  const keepText = options.keepText ?? true;

  return async (cell, signal) => {
    const base = identityOf(cell);
    const finish = (fields: Omit<CellRecord, keyof typeof base | "finishedAt">): CellRecord => {
      if (signal.aborted) throw abortReason(signal);
      return { ...base, ...fields, finishedAt: now().toISOString() };
    };

    let prompt: RenderedPrompt;
    try {
      prompt = await options.render(cell);
    } catch (err) {
      return finish({ status: "error", reason: `render failed: ${messageOf(err)}` });
    }
    const promptFields = {
      promptFile: prompt.file,
      promptVersion: prompt.version,
      family: prompt.family,
    };

    let response: ModelResponse & { attempts?: number; cached?: boolean };
    try {
      if (signal.aborted) throw abortReason(signal);
      const request = (options.toRequest ?? defaultRequest)(cell, prompt);
      response = await options.clientFor(cell).complete({ ...request, signal });
    } catch (err) {
      if (signal.aborted) throw abortReason(signal);
      return finish({
        status: "error",
        reason: `model call threw: ${messageOf(err)}`,
        ...promptFields,
      });
    }
    const callFields = {
      ...promptFields,
      latencyMs: response.latencyMs,
      attempts: response.attempts ?? 1,
      ...(response.cached ? { cached: true } : {}),
    };
    if (!response.ok) {
      const filtered = response.errorClass === "content_filtered";
      return finish({
        status: filtered ? "unscored" : "error",
        reason: filtered
          ? `content filtered by the provider: ${response.message}`
          : `${response.message} (after ${callFields.attempts} attempt(s))`,
        errorClass: response.errorClass,
        ...callFields,
      });
    }
    const text = keepText ? { response: response.text } : {};
    const usage = response.usage ? { usage: response.usage } : {};
    if (response.finishReason === "content_filter") {
      return finish({
        status: "unscored",
        reason: "content filtered by the provider (finish_reason content_filter)",
        errorClass: "content_filtered",
        ...callFields,
        ...usage,
        ...text,
      });
    }

    let outcome: JudgeOutcome;
    try {
      if (signal.aborted) throw abortReason(signal);
      outcome = await options.judgeFor(cell).judge({
        feature: cell.feature,
        input: userText(prompt.messages),
        response: response.text,
        reference: cell.example.reference,
        cell: identityOf(cell),
        signal,
      });
    } catch (err) {
      if (signal.aborted) throw abortReason(signal);
      const reason = `judge failed: ${messageOf(err)}`;
      return finish({ status: "error", reason, ...callFields, ...usage, ...text });
    }
    const judgeUsage = outcome.usage ? { judgeUsage: outcome.usage } : {};
    const common = { ...callFields, ...usage, ...judgeUsage, ...text };
    if (outcome.kind === "scored" && outcome.score.score !== null) {
      const score = outcome.score.score;
      return finish({
        status: "scored",
        score,
        passed: score >= PASSING_SCORE,
        ...common,
        ...(keepText ? { judgeExplanation: outcome.score.explanation } : {}),
      });
    }
    if (outcome.kind === "error") {
      return finish({
        status: "error",
        reason: `judge call failed: ${outcome.message}`,
        errorClass: outcome.errorClass,
        ...common,
      });
    }
    const why = outcome.kind === "unscored" ? outcome.reason : "no_score";
    return finish({
      status: "unscored",
      reason: unscoredReason(why, outcome.attempts),
      ...common,
      ...(keepText && outcome.kind === "unscored" ? { judgeExplanation: outcome.rawReply } : {}),
    });
  };
}

/** Unscored never counts as a pass or a fail; the reason says which judge problem it was. */
function unscoredReason(why: string, attempts: number): string {
  switch (why) {
    case "refusal":
      return "judge refused to grade the response";
    case "no_score":
    case "out_of_scale":
      return `judge reply had no usable score (${why}) after ${attempts} attempt(s)`;
    default:
      return `judge could not score the response (${why})`;
  }
}

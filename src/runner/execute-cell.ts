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
import { type Judge, type JudgeOutcome, judgeLabel } from "../judges/index.js";
import { abortReason } from "./abort-signals.js";
import type { PlannedCell } from "./plan-cells.js";

export interface CellExecutorOptions {
  /** Resolve and render the cell's prompt (the run command passes registry.resolve/render). */
  render(cell: PlannedCell): RenderedPrompt | Promise<RenderedPrompt>;
  /** The model's client, normally a `scheduleClient(...)` so calls are queued and retried. */
  clientFor(cell: PlannedCell): ModelClient;
  /** The judge of the cell's feature; its model client should be a scheduled one too. */
  judgeFor(cell: PlannedCell): Judge;
  /** Builds the request from the rendered prompt (a new object each time: the executor sets its signal); override for gateway mode. */
  toRequest?(cell: PlannedCell, prompt: RenderedPrompt): ModelRequest;
  /** Keep response text and judge explanation in records (default true). */
  keepText?: boolean;
  /** Stores the rendered messages once (prompts.jsonl) and returns their hash for the record. */
  storePrompt?(messages: ChatMessage[]): string;
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
  const toRequest = options.toRequest ?? defaultRequest;

  // The record is one object filled in as the cell advances (not rebuilt by spreading at each
  // step): this runs for every cell, and the copies were a visible share of the allocations.
  return async (cell, signal) => {
    const record: CellRecord = {
      cellId: cell.cellId,
      feature: cell.feature,
      model: cell.model,
      exampleId: cell.exampleId,
      repeat: cell.repeat,
      status: "error",
      finishedAt: "",
    };
    if (keepText) {
      // The example travels with its record so reports never need the dataset.
      record.inputs = cell.example.inputs;
      if (cell.example.reference !== undefined) record.reference = cell.example.reference;
    }
    const finish = (status: CellRecord["status"], reason?: string): CellRecord => {
      if (signal.aborted) throw abortReason(signal);
      record.status = status;
      if (reason !== undefined) record.reason = reason;
      record.finishedAt = now().toISOString();
      return record;
    };

    let prompt: RenderedPrompt;
    try {
      prompt = await options.render(cell);
    } catch (err) {
      return finish("error", `render failed: ${messageOf(err)}`);
    }
    record.promptFile = prompt.file;
    record.promptVersion = prompt.version;
    record.family = prompt.family;
    if (keepText && options.storePrompt) record.promptHash = options.storePrompt(prompt.messages);

    let response: ModelResponse & { attempts?: number; cached?: boolean };
    try {
      if (signal.aborted) throw abortReason(signal);
      const request = toRequest(cell, prompt);
      request.signal = signal;
      response = await options.clientFor(cell).complete(request);
    } catch (err) {
      if (signal.aborted) throw abortReason(signal);
      record.failedStage = "model";
      return finish("error", `model call threw: ${messageOf(err)}`);
    }
    record.latencyMs = response.latencyMs;
    record.attempts = response.attempts ?? 1;
    if (response.cached) record.cached = true;
    if (!response.ok) {
      record.errorClass = response.errorClass;
      record.failedStage = "model";
      return response.errorClass === "content_filtered"
        ? finish("unscored", `content filtered by the provider: ${response.message}`)
        : finish("error", `${response.message} (after ${record.attempts} attempt(s))`);
    }
    if (response.usage) record.usage = response.usage;
    if (keepText) record.response = response.text;
    if (response.finishReason === "content_filter") {
      record.errorClass = "content_filtered";
      return finish("unscored", "content filtered by the provider (finish_reason content_filter)");
    }

    let outcome: JudgeOutcome;
    let judge: Judge | undefined;
    try {
      if (signal.aborted) throw abortReason(signal);
      judge = options.judgeFor(cell);
      outcome = await judge.judge({
        feature: cell.feature,
        input: userText(prompt.messages),
        response: response.text,
        reference: cell.example.reference,
        cell: identityOf(cell),
        signal,
      });
    } catch (err) {
      if (signal.aborted) throw abortReason(signal);
      record.failedStage = "judge";
      if (judge) record.judge = judge.name;
      return finish("error", `${judge ? judgeLabel(judge) : "judge"} failed: ${messageOf(err)}`);
    }
    record.judge = outcome.kind === "scored" ? outcome.score.judge : judge.name;
    if (outcome.usage) record.judgeUsage = outcome.usage;
    if (outcome.kind === "scored" && outcome.score.score !== null) {
      const score = outcome.score.score;
      record.score = score;
      record.passed = score >= PASSING_SCORE;
      if (outcome.score.criteria) record.criteria = outcome.score.criteria;
      if (outcome.score.expectedScore !== undefined) {
        record.expectedScore = outcome.score.expectedScore;
      }
      if (outcome.score.judges) {
        record.judges = keepText
          ? outcome.score.judges
          : outcome.score.judges.map((j) => ({ ...j, explanation: "" }));
      } else if (keepText) {
        record.judges = [
          { name: outcome.score.judge, score, explanation: outcome.score.explanation },
        ];
      }
      if (outcome.score.disagreement) record.disagreement = outcome.score.disagreement;
      if (keepText) record.judgeExplanation = outcome.score.explanation;
      return finish("scored");
    }
    if (outcome.kind === "error") {
      // The model under test answered; it is its judge that failed, and the record says so.
      record.errorClass = outcome.errorClass;
      record.failedStage = "judge";
      // A filtered judge call says nothing about the response's quality, and would be
      // filtered again on a retry: unscored, as the model call's own filter is.
      if (outcome.errorClass === "content_filtered") {
        return finish(
          "unscored",
          `${judgeLabel(judge)} call was content filtered by the provider: ${outcome.message}`,
        );
      }
      return finish("error", `${judgeLabel(judge)} call failed: ${outcome.message}`);
    }
    const why = outcome.kind === "unscored" ? outcome.reason : "no_score";
    if (keepText && outcome.kind === "unscored") {
      record.judgeExplanation = outcome.rawReply;
      record.judges = [{ name: judge.name, score: null, explanation: outcome.rawReply }];
    }
    return finish("unscored", unscoredReason(why, outcome.attempts));
  };
}

/** Unscored never counts as a pass or a fail; the reason says which judge problem it was. */
function unscoredReason(why: string, attempts: number): string {
  switch (why) {
    case "refusal":
      return "judge refused to grade the response";
    case "no_score":
    case "out_of_scale":
    case "contradictory":
      return `judge reply had no usable score (${why}) after ${attempts} attempt(s)`;
    default:
      return `judge could not score the response (${why})`;
  }
}

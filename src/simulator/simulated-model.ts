import type { ChatMessage } from "../core/types.js";
import type { AnswerKeyIndex } from "./answer-key.js";
import { degrade, genericAnswer, paraphrase } from "./answer-variants.js";
import type { FaultKind } from "./fault-injection.js";
import { jsonAnswer } from "./json-schema-answer.js";
import type { ModelProfile } from "./profile-schema.js";
import { SeededRandom } from "./seeded-random.js";
import {
  extractJudgeMaterial,
  extractPairwiseMaterial,
  judge,
  judgeContractOf,
  judgeMaterialMessage,
  looksLikeJudgeRequest,
  pairwiseJudge,
} from "./simulated-judge.js";
import { countPromptTokens, splitTokens } from "./text-tokens.js";

/**
 * Answer generation, independent of any wire protocol. A response depends only on the
 * model's profile name and the request (messages, limits, format) — never on time or order —
 * so runs replay exactly.
 */

export const REFUSAL_TEXT = "I'm sorry, I can't help with that.";

export interface GenerationInput {
  profile: ModelProfile;
  messages: readonly ChatMessage[];
  maxTokens?: number | undefined;
  stop?: readonly string[] | undefined;
  /** `response_format: json_schema`: the schema to fit; `true` for `json_object`. */
  json?: { schema: unknown } | { object: true } | undefined;
  fault?: FaultKind | undefined;
}

export type FinishReason = "stop" | "length" | "stop_sequence" | "content_filter";

export interface Generation {
  text: string;
  finish: FinishReason;
  promptTokens: number;
  completionTokens: number;
  /** The completion split into tokens (for streaming chunks and logprobs). */
  tokens: string[];
  isJudge: boolean;
  /** A key that identifies the request's content, for seeding anything derived from it. */
  seed: string;
  /** Feature of the answer-key example the request matched, if any. */
  feature: string | undefined;
}

const WANTS_CODE =
  /```|\b(?:write|implement|generate|complete)\b.{0,40}\b(?:code|function|method|class|tests?)\b/i;

function lastUserMessage(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.role === "user") return messages[i]!.content;
  }
  return "";
}

export function requestSeed(modelName: string, messages: readonly ChatMessage[]): string {
  return `${modelName}\u0001${messages.map((m) => `${m.role}\u0002${m.content}`).join("\u0003")}`;
}

export class SimulatedModels {
  constructor(private readonly answerKey: AnswerKeyIndex) {}

  generate(input: GenerationInput): Generation {
    const { profile, messages } = input;
    const seed = requestSeed(profile.name, messages);
    const random = SeededRandom.from("answer", seed);
    const lastUser = lastUserMessage(messages);
    const isJudge = profile.role === "judge" || looksLikeJudgeRequest(messages);
    let text: string;
    let score: number | undefined;
    let explanation: string | undefined;
    let feature: string | undefined;
    if (input.fault === "content_filter") {
      return this.finish(input, "", "content_filter", isJudge, seed, undefined);
    }
    if (input.fault === "refusal") {
      text = REFUSAL_TEXT;
    } else if (isJudge) {
      const graded = judgeMaterialMessage(messages);
      const pairwise = extractPairwiseMaterial(graded);
      if (pairwise !== undefined) {
        text = pairwiseJudge(profile.name, profile.pairwisePositionBias, pairwise).text;
        return this.finish(input, text, "stop", isJudge, seed, undefined);
      }
      const material = extractJudgeMaterial(graded);
      if (material.reference === undefined) {
        material.reference = this.answerKey.match([
          { role: "user", content: graded },
        ])?.entry.reference;
      }
      const verdict = judge(
        profile.name,
        profile.qualityFor(undefined),
        material,
        input.fault === "judge_no_score",
        judgeContractOf(graded),
      );
      text = verdict.text;
      score = verdict.score ?? undefined;
      explanation = verdict.explanation;
    } else {
      const match = this.answerKey.match(messages);
      const offTopic = () => genericAnswer(WANTS_CODE.test(lastUser), random);
      if (match === undefined) {
        text = offTopic();
      } else {
        feature = match.entry.feature;
        const good = random.next() < profile.qualityFor(feature);
        text = good
          ? paraphrase(match.entry.reference, random)
          : degrade(match.entry.reference, random, offTopic).text;
      }
    }
    // A judge that forgets its grade or refuses does so under a schema too, rather than guessing one.
    const gradeless = isJudge && score === undefined;
    if (input.json !== undefined && !gradeless) {
      text =
        "schema" in input.json
          ? jsonAnswer(input.json.schema, { text, score, explanation }, random)
          : JSON.stringify(
              isJudge && score !== undefined ? { score, explanation } : { answer: text },
            );
    }
    return this.finish(input, text, "stop", isJudge, seed, feature);
  }

  private finish(
    input: GenerationInput,
    full: string,
    reason: FinishReason,
    isJudge: boolean,
    seed: string,
    feature: string | undefined,
  ): Generation {
    let text = full;
    let finish = reason;
    for (const stop of input.stop ?? []) {
      if (stop === "") continue;
      const at = text.indexOf(stop);
      if (at >= 0) {
        text = text.slice(0, at);
        finish = "stop_sequence";
      }
    }
    let tokens = splitTokens(text);
    if (input.maxTokens !== undefined && tokens.length > input.maxTokens) {
      tokens = tokens.slice(0, Math.max(0, input.maxTokens));
      text = tokens.join("");
      finish = "length";
    }
    return {
      text,
      finish,
      promptTokens: countPromptTokens(input.messages),
      completionTokens: tokens.length,
      tokens,
      isJudge,
      seed,
      feature,
    };
  }
}

/**
 * The ideal for throughput: the same SDK calls the harness makes, with nothing around them.
 * For each example: openai SDK chat completion to the model, then to the judge with the
 * judge prompt the harness would send (same messages, same parameters), from a plain promise
 * pool. No cache, journal, queues, retries, templates or records.
 *
 * With `batchSends`, each call waits for the end of the event-loop turn before it is sent
 * (`setImmediate`), so the calls that became ready in one turn go out together — what the
 * harness's endpoint queues do (src/runner/send-batch.ts). It is the fair ideal for the
 * harness's own overhead: the plain loop pays a wakeup of the server per lone send, which
 * batching saves, and a bare loop could batch too.
 */
import { setImmediate as endOfTurn } from "node:timers/promises";
import OpenAI from "openai";
import {
  exampleAt,
  JUDGE,
  JUDGE_SYSTEM,
  judgeUserMessageFor,
  MODEL,
  PROMPT_SYSTEM,
  userMessageFor,
} from "./bench-suite.js";

export interface BareLoopRun {
  wallMs: number;
  judged: number;
  failed: number;
}

export async function runBareLoop(
  simulatorUrl: string,
  examples: number,
  concurrency: number,
  options: { batchSends?: boolean } = {},
): Promise<BareLoopRun> {
  const batch = options.batchSends === true;
  const sdk = new OpenAI({
    apiKey: "bench",
    baseURL: `${simulatorUrl}/v1`,
    maxRetries: 0,
    organization: null,
    project: null,
  });
  // Inputs are prepared outside the timed part: the ideal pays for no rendering at all.
  const inputs = Array.from({ length: examples }, (_, i) => exampleAt(i));
  let next = 0;
  let judged = 0;
  let failed = 0;
  const worker = async () => {
    for (let i = next++; i < examples; i = next++) {
      const { code, reference } = inputs[i]!;
      const user = userMessageFor(code);
      try {
        if (batch) await endOfTurn();
        const answer = await sdk.chat.completions.create({
          model: MODEL,
          messages: [
            { role: "system", content: PROMPT_SYSTEM },
            { role: "user", content: user },
          ],
          temperature: 0,
          max_tokens: 256,
        });
        const response = answer.choices[0]?.message.content ?? "";
        if (batch) await endOfTurn();
        const grade = await sdk.chat.completions.create({
          model: JUDGE,
          messages: [
            { role: "system", content: JUDGE_SYSTEM },
            { role: "user", content: judgeUserMessageFor(user, reference, response) },
          ],
          temperature: 0,
          max_tokens: 128,
        });
        if (/SCORE:\s*[1-4]/.test(grade.choices[0]?.message.content ?? "")) judged++;
        else failed++;
      } catch {
        failed++;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { wallMs: performance.now() - started, judged, failed };
}

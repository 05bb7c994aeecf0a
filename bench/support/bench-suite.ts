/**
 * A throwaway evalgate config folder for benchmarks: one feature, one model under test and
 * one judge, both OpenAI-compatible and reached at the simulator's URL, a small prompt in the
 * gateway layout, an evaluator whose user template has `<reference>`/`<response>` tags, and
 * a generated JSONL dataset with references. Inputs are kept small on purpose: the benchmarks
 * measure the runner, not how fast JSON of big prompts can be parsed.
 */

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const MODEL = "bench-model";
export const JUDGE = "bench-judge";
export const FEATURE = "bench_explain";

export interface BenchSuiteOptions {
  examples: number;
  /** `limits.concurrency` of the model under test and of the judge. */
  modelConcurrency: number;
  judgeConcurrency: number;
  /** The simulator's base URL (http://127.0.0.1:PORT); models use `${url}/v1`. */
  simulatorUrl: string;
}

export interface BenchSuite {
  dir: string;
  entry: string;
  dataset: string;
  cleanup(): Promise<void>;
}

/** The system prompt and user template of the prompt definition (kept as data for the bare loop). */
export const PROMPT_SYSTEM = "You explain code snippets briefly and accurately.";
export const JUDGE_SYSTEM =
  "You grade explanations of code against a reference. Reply with exactly two lines:\nSCORE: <1-4>\nEXPLANATION: <one sentence>";

/** The example at index i: a short snippet and its reference explanation. */
export function exampleAt(i: number): { id: string; code: string; reference: string } {
  return {
    id: `ex-${String(i).padStart(6, "0")}`,
    // The comment makes every line unique, so the simulator's answer key matches one example.
    code: `def f${i}(x):\n    return x * ${i % 97} + ${i % 13}  # case ${i}`,
    reference: `f${i} multiplies its argument by ${i % 97} and adds ${i % 13}.`,
  };
}

/** The user message the prompt definition renders for an example. */
export function userMessageFor(code: string): string {
  return `Explain this code:\n${code}`;
}

/** The judge's user message, exactly as the evaluator template below renders it. */
export function judgeUserMessageFor(input: string, reference: string, response: string): string {
  return `<task>${input}</task>\n<reference>${reference}</reference>\n<response>${response}</response>`;
}

export async function writeBenchSuite(options: BenchSuiteOptions): Promise<BenchSuite> {
  const dir = await mkdtemp(join(tmpdir(), "evalgate-bench-"));
  const endpoint = `${options.simulatorUrl}/v1`;
  const files: Record<string, string> = {
    "evalgate.yaml": `models: models.yaml
features: features.yaml
definitions: prompts
evaluators: evaluators
judge: ${JUDGE}
default_suite: bench
suites:
  bench:
    features: [${FEATURE}]
    models: [${MODEL}]
    repeats: 1
`,
    "models.yaml": `models:
  - name: ${MODEL}
    family: mistral
    identifier: custom_openai/${MODEL}
    endpoint: ${endpoint}
    params: { temperature: 0.0, max_tokens: 256 }
    limits: { concurrency: ${options.modelConcurrency} }
  - name: ${JUDGE}
    family: claude_3
    identifier: custom_openai/${JUDGE}
    endpoint: ${endpoint}
    params: { temperature: 0.0, max_tokens: 128 }
    limits: { concurrency: ${options.judgeConcurrency} }
    role: judge
`,
    "features.yaml": `features:
  - id: ${FEATURE}
    title: Bench explain code
    release_state: ga
    prompt_id: bench/explain_code
    compatible_families: [mistral]
    dataset: data/examples.jsonl
    evaluator: bench_quality
    threshold: 0.8
    yellow_band: 0.1
`,
    "evaluators/bench_quality.yaml": `name: bench_quality
description: Is the explanation right?
scale: [1, 2, 3, 4]
judge_prompt:
  system: ${JSON.stringify(JUDGE_SYSTEM)}
  user: "<task>{{ input }}</task>\\n<reference>{{ reference }}</reference>\\n<response>{{ response }}</response>"
`,
    "prompts/bench/explain_code/base/1.0.0.yml": `name: Bench explain code
model:
  params:
    temperature: 0.0
    max_tokens: 256
unit_primitives:
  - explain_code
prompt_template:
  system: ${JSON.stringify(PROMPT_SYSTEM)}
  user: |
    Explain this code:
    {{ code }}
params:
  timeout: 60
`,
  };
  for (const [name, text] of Object.entries(files)) {
    const file = join(dir, name);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  const dataset = join(dir, "data/examples.jsonl");
  await writeDataset(dataset, options.examples);
  return {
    dir,
    entry: join(dir, "evalgate.yaml"),
    dataset,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

async function writeDataset(file: string, count: number): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const out = createWriteStream(file);
  for (let i = 0; i < count; i++) {
    const { id, code, reference } = exampleAt(i);
    const line = `${JSON.stringify({ id, inputs: { code }, outputs: { output: reference } })}\n`;
    if (!out.write(line)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

/**
 * The first `examples` bench examples as a dataset for the simulator's answer key: with it
 * the simulated model answers close to the reference as often as its quality says, and the
 * reference-guided judge grades accordingly, instead of every answer being off-topic and
 * graded 1. Every suite's dataset is a prefix of this one. Pass `key` to
 * startSimulatorProcess.
 */
export async function writeBenchAnswerKey(
  examples: number,
): Promise<{ key: [string, string][]; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "evalgate-bench-answers-"));
  const file = join(dir, "answers.jsonl");
  await writeDataset(file, examples);
  return { key: [[FEATURE, file]], cleanup: () => rm(dir, { recursive: true, force: true }) };
}

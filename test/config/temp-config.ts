import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A small, valid config tree; tests override single files to break one thing at a time. */
export const VALID_FILES: Record<string, string> = {
  "evalgate.yaml": `models: models.yaml
features: features.yaml
definitions: prompts
evaluators: evaluators
judge: judge-model
default_suite: main
suites:
  main:
    features: [explain]
    models: [mistral-local, mixtral-local]
`,
  "models.yaml": `models:
  - name: mistral-local
    family: mistral
    identifier: custom_openai/mistralai/Mistral-7B-Instruct-v0.3
    endpoint: http://localhost:8000/v1
    api_key_env: VLLM_API_KEY
  - name: mixtral-local
    family: mixtral
    identifier: mistralai-mixtral
    endpoint: http://localhost:8001/v1
    limits: { concurrency: 2 }
  - name: judge-model
    family: claude_3
    identifier: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0
    region: us-east-1
    role: judge
`,
  "features.yaml": `features:
  - id: explain
    title: Explain code
    release_state: ga
    prompt_id: chat/explain_code
    compatible_families: [mistral, mixtral]
    dataset: data/explain.jsonl
    evaluator: quality
  - id: undocumented
    title: Has no dataset yet
    release_state: beta
    prompt_id: chat/other
    compatible_families: [mistral]
`,
  "evaluators/quality.yaml": `name: quality
description: Is the explanation right?
judge_prompt:
  system: Reply SCORE and EXPLANATION.
  user: |
    <task>{{ input }}</task>
    <reference>{{ reference }}</reference>
    <response>{{ response }}</response>
`,
  "prompts/chat/explain_code/base/1.0.0.yml": `name: Explain code
unit_primitive: explain_code
prompt_template:
  system: You explain code.
  user: "Explain this code: {{ code }}"
`,
  "data/explain.jsonl": `{"inputs": {"code": "print(1)"}, "outputs": {"output": "prints 1"}}
{"inputs": {"code": "x = 2"}, "outputs": {"output": "assigns 2"}}
`,
};

export interface TempConfig {
  dir: string;
  entry: string;
  path(name: string): string;
  cleanup(): Promise<void>;
}

/** Write VALID_FILES with `changes` applied (a null value removes a file) to a fresh temp dir. */
export async function writeTempConfig(
  changes: Record<string, string | null> = {},
): Promise<TempConfig> {
  const dir = await mkdtemp(join(tmpdir(), "evalgate-config-"));
  const files = { ...VALID_FILES, ...changes };
  for (const [name, text] of Object.entries(files)) {
    if (text === null) continue;
    const file = join(dir, name);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  return {
    dir,
    entry: join(dir, "evalgate.yaml"),
    path: (name) => join(dir, name),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** VALID_FILES[file] with one occurrence of `from` replaced; throws if the fixture lacks it. */
export function change(file: string, from: string, to: string): Record<string, string> {
  const text = VALID_FILES[file];
  if (text === undefined || !text.includes(from))
    throw new Error(`fixture ${file} has no "${from}"`);
  return { [file]: text.replace(from, to) };
}

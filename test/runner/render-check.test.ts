/**
 * `run` renders every planned example before its first model call: a problem any example
 * would meet is a configuration error (exit 2) listing each problem, not endpoint errors.
 */
import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig, resolveSuite } from "../../src/config/index.js";
import { UserErrors } from "../../src/core/errors.js";
import { planSuite } from "../../src/runner/index.js";
import { runInProcess } from "../cli/run-test-support.js";
import { change, type TempConfig, writeTempConfig } from "../config/temp-config.js";

let temp: TempConfig | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

const DATASET =
  '{"id": "a", "inputs": {"code": "1"}, "outputs": {"output": "one"}}\n' +
  '{"id": "b", "inputs": {"source": "2"}, "outputs": {"output": "two"}}\n' +
  '{"id": "c", "inputs": {"code": "3"}, "outputs": {"output": "three"}}\n' +
  '{"id": "d", "inputs": {"source": "4"}, "outputs": {"output": "four"}}\n' +
  '{"id": "e", "inputs": {"code": "5", "history": "not messages"}, "outputs": {"output": "five"}}\n';

async function planError(changes: Record<string, string>): Promise<UserErrors> {
  temp = await writeTempConfig({ "data/explain.jsonl": DATASET, ...changes });
  const config = await loadConfig(temp.entry);
  const err = await planSuite(config, resolveSuite(config, undefined), {}, undefined).catch(
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserErrors);
  return err as UserErrors;
}

describe("rendering every planned example before the first call", () => {
  it("lists each distinct problem once, at its first example, with the other lines", async () => {
    const err = await planError({});
    const data = temp!.path("data/explain.jsonl");
    const definition = temp!.path("prompts/chat/explain_code/base/1.0.0.yml");
    expect(err.exitCode).toBe(2);
    expect(err.problems.map((p) => p.message)).toEqual([
      `${data}:2: example "b" does not render with chat/explain_code/base/1.0.0.yml (and 1 more example(s) at lines 4): inputs lack "code" (read by prompt_template.user at ${definition}:5): the gateway refuses a request without it, before rendering. Add "code" to the inputs (given: source).`,
      `${data}:5: example "e" does not render with chat/explain_code/base/1.0.0.yml: input "history" (spliced in as messages by the gateway's automatic optional "history" placeholder): it is string, not a list of {role, content} messages. Give a list like [{"role": "user", "content": "…"}, {"role": "assistant", "content": "…"}].`,
    ]);
  });

  it("gateway_version 2026-03 has no automatic history, so a string history is just an input", async () => {
    const err = await planError(
      change(
        "evalgate.yaml",
        "judge: judge-model\n",
        "judge: judge-model\ngateway_version: 2026-03\n",
      ),
    );
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]!.message).toContain('example "b" does not render');
  });

  it("evalgate run exits 2 before any call and writes no journal", async () => {
    temp = await writeTempConfig({ "data/explain.jsonl": DATASET });
    const result = await runInProcess(
      ["run", "--config", temp.entry, "--simulate", "--no-cache", "--quiet", "--out", "out"],
      temp.dir,
    );
    expect(result.code).toBe(2);
    expect(result.err).toContain("2 problem(s) found:");
    expect(result.err).toContain(
      'example "b" does not render with chat/explain_code/base/1.0.0.yml',
    );
    expect(existsSync(temp.path("out/journal.jsonl"))).toBe(false);
  });
});

import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/evalgate.js";
import { change, type TempConfig, VALID_FILES, writeTempConfig } from "../config/temp-config.js";
import { collectingIO } from "../support/cli-io.js";

const ROOT = join(import.meta.dirname, "..", "..");

let temp: TempConfig | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

describe("evalgate validate", () => {
  it("passes on the bundled config, checking every suite", async () => {
    const run = collectingIO(ROOT);
    const code = await main(["validate"], run.io);
    expect(run.err()).toBe("");
    expect(code).toBe(0);
    expect(run.out()).toMatch(/suites: demo, gated, gateway/);
    expect(run.out()).toMatch(
      /^code_generations\s+mistral-7b-vllm\s+code_suggestions\/generations\/\S+\.yml\s+\S+\s+\d+\s+OK$/m,
    );
    expect(run.out()).toMatch(/^valid: \d+ feature × model pair\(s\) in 3 suite\(s\)/m);
  });

  it("validates a small config and prints the feature × model table", async () => {
    temp = await writeTempConfig();
    const run = collectingIO(temp.dir, { VLLM_API_KEY: "x" });
    const code = await main(["validate", "--config", "evalgate.yaml"], run.io);
    expect(run.err()).toBe("");
    expect(code).toBe(0);
    expect(run.out()).toMatch(
      /^explain\s+mistral-local\s+chat\/explain_code\/base\/1\.0\.0\.yml\s+1\.0\.0\s+2\s+OK$/m,
    );
    expect(run.out()).toMatch(
      /^explain\s+mixtral-local\s+chat\/explain_code\/base\/1\.0\.0\.yml\s+1\.0\.0\s+2\s+OK$/m,
    );
    expect(run.out()).toContain(
      "valid: 2 feature × model pair(s) in 1 suite(s), 4 example render(s) checked",
    );
  });

  it("notes API key variables that are not set, without failing", async () => {
    temp = await writeTempConfig();
    const run = collectingIO(temp.dir);
    expect(await main(["validate", "--config", "evalgate.yaml"], run.io)).toBe(0);
    expect(run.out()).toContain(
      "note: environment variable VLLM_API_KEY is not set (used by mistral-local)",
    );
  });

  it("lists every problem of a broken config with file:line and exits 2", async () => {
    temp = await writeTempConfig({
      ...change("models.yaml", "family: mixtral", "family: mixtrall"),
      ...change("features.yaml", "release_state: beta", "release_state: alpha"),
      ...change("evalgate.yaml", "judge: judge-model", "judge: judge-modle"),
    });
    const run = collectingIO(temp.dir);
    const code = await main(["validate", "--config", "evalgate.yaml"], run.io);
    expect(code).toBe(2);
    const err = run.err();
    expect(err).toContain("3 problem(s) found");
    expect(run.out()).toContain("note: features could not be read, so checks that need them");
    expect(err).toContain(`${temp.path("evalgate.yaml")}:5:8: judge "judge-modle" is not a model`);
    expect(err).toContain(`${temp.path("features.yaml")}:11:20: features[1].release_state`);
    expect(err).toContain(
      `${temp.path("models.yaml")}:8:13: model "mixtral-local" has unknown family "mixtrall"`,
    );
  });

  it("reports prompt, dataset and judge-template problems together", async () => {
    temp = await writeTempConfig({
      "data/explain.jsonl": `{"inputs": {"code": "print(1)"}, "outputs": {"output": "prints 1"}}
{"inputs": {"snippet": "x = 2"}, "outputs": {"output": "assigns 2"}}
{"inputs": {"snippet": "y = 3"}, "outputs": {"output": "assigns 3"}}
`,
      ...change(
        "evaluators/quality.yaml",
        "<response>{{ response }}</response>",
        "<response>{{ response | nosuchfilter }}</response>",
      ),
      ...change(
        "features.yaml",
        "prompt_id: chat/explain_code",
        "prompt_id: chat/explain_code\n    prompt_version: ^2.0.0",
      ),
    });
    let run = collectingIO(temp.dir);
    expect(await main(["validate", "--config", "evalgate.yaml"], run.io)).toBe(2);
    expect(run.err()).toContain(`${temp.path("evaluators/quality.yaml")}:5:`);
    expect(run.err()).toContain("judge_prompt.user: cannot render");
    expect(run.err()).toMatch(/no version of prompt "chat\/explain_code" .* matches "\^2\.0\.0"/);
    expect(run.out()).toMatch(/^explain\s+mistral-local\s+-\s+-\s+0\s+1 problem\(s\)$/m);

    // With the version fixed, the examples lacking `code` are reported once, at the first.
    await temp.cleanup();
    temp = await writeTempConfig({
      "data/explain.jsonl": `{"inputs": {"code": "print(1)"}, "outputs": {"output": "prints 1"}}
{"inputs": {"snippet": "x = 2"}, "outputs": {"output": "assigns 2"}}
{"inputs": {"snippet": "y = 3"}, "outputs": {"output": "assigns 3"}}
`,
    });
    run = collectingIO(temp.dir);
    expect(await main(["validate", "--config", "evalgate.yaml"], run.io)).toBe(2);
    expect(run.err()).toContain("1 problem(s) found");
    expect(run.err()).toContain(`${temp.path("data/explain.jsonl")}:2: example`);
    expect(run.err()).toContain("(and 1 more example(s) at lines 3)");
    expect(run.err()).toContain('"code"');
  });

  it("checks only the named suite, and rejects an unknown one", async () => {
    temp = await writeTempConfig({
      "evalgate.yaml": `${VALID_FILES["evalgate.yaml"]}  other:\n    features: [explain]\n    models: [judge-model]\n`,
    });
    let run = collectingIO(temp.dir);
    expect(await main(["validate", "--config", "evalgate.yaml"], run.io)).toBe(2);
    expect(run.err()).toContain('model "judge-model" (family claude_3) is not compatible');
    run = collectingIO(temp.dir);
    expect(await main(["validate", "--config", "evalgate.yaml", "--suite", "main"], run.io)).toBe(
      0,
    );
    run = collectingIO(temp.dir);
    expect(await main(["validate", "--config", "evalgate.yaml", "--suite", "mian"], run.io)).toBe(
      2,
    );
    expect(run.err()).toContain('there is no suite "mian"');
  });

  it("says where the config is missing", async () => {
    const run = collectingIO("/nonexistent-dir");
    expect(await main(["validate"], run.io)).toBe(2);
    expect(run.err()).toContain(
      "no evalgate configuration found; looked for evalgate.yaml, evalgate/evalgate.yaml, config/evalgate.yaml in /nonexistent-dir and every folder above it:\n    /nonexistent-dir/evalgate.yaml\n    /nonexistent-dir/evalgate/evalgate.yaml\n    /nonexistent-dir/config/evalgate.yaml\n    /evalgate.yaml\n",
    );
    expect(run.err()).toContain(
      "Run `evalgate init` to create evalgate/evalgate.yaml here, or pass --config FILE",
    );
  });
});

describe("one root error per mistake", () => {
  it("a models.yaml that does not parse does not make its new family unknown in features.yaml", async () => {
    const { writeTempConfig, VALID_FILES } = await import("../config/temp-config.js");
    const config = await writeTempConfig({
      "models.yaml": `families:
  granite: [granite, llama3]
models:
  - name: granite-vllm
    family: granite
    identifier: custom_openai/ibm-granite/granite-3.1-8b-instruct
    endpoint: http://localhost:8000/v1
    params: { temperature: 0.1, top_kk: 40 }
`,
      "features.yaml": VALID_FILES["features.yaml"]!.replace(
        "compatible_families: [mistral, mixtral]",
        "compatible_families: [granite, mistral]",
      ),
    });
    try {
      const io = collectingIO(config.dir);
      expect(await main(["validate"], io.io)).toBe(2);
      expect(io.err()).toContain("1 problem(s) found:\n");
      expect(io.err()).toContain(`models.yaml:8:33: models[0].params: unknown key "top_kk"`);
      expect(io.err()).not.toContain("granite");
    } finally {
      await config.cleanup();
    }
  });
});

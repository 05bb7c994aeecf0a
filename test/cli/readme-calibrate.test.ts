/** The README's `evalgate calibrate` and jury examples, run as written. */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { calibrateCommand } from "../../src/cli/commands/calibrate.js";
import { readLabelFile } from "../../src/datasets/index.js";
import { loadEvaluator } from "../../src/judges/index.js";
import { readmeBlocks } from "../support/readme-blocks.js";
import { cleanEnv, ROOT, runInProcess, tempDir, writeText } from "./run-test-support.js";

const temp = await tempDir("evalgate-readme-calibrate-");
afterAll(() => temp.cleanup());

describe("README: evalgate calibrate", async () => {
  const [synopsis, command, output, labelLine] = await readmeBlocks("### `evalgate calibrate`");

  it("shows the command's synopsis", () => {
    expect(synopsis).toBe(`${calibrateCommand.usage.split("\n\n")[0]}\n`);
  });

  it("prints what the README says for the shipped label file", async () => {
    const argv = command!.trim().split(/\s+/).slice(1);
    expect(argv[0]).toBe("calibrate");
    const result = await runInProcess(
      [...argv, "--no-cache", "--out", temp.path("out")],
      ROOT,
      cleanEnv(),
    );
    expect(result.code).toBe(0);
    expect(result.out).toBe(
      `${output}\ncalibration: ${join(temp.path("out"), "calibration.json")}\n`,
    );
  });

  it("documents a label line that reads as shown", async () => {
    const file = await writeText(temp.path("one.jsonl"), labelLine!);
    const labels = await readLabelFile(file);
    expect(labels.raters).toEqual(["alice", "bob"]);
    expect(labels.responses[0]).toMatchObject({ id: "explain-01", ratings: { alice: 4, bob: 3 } });
  });
});

describe("README: juries, self-preference and calibration", async () => {
  const [yaml] = await readmeBlocks("#### Juries, self-preference and calibration");

  it("loads as an evaluator with a jury, a judge policy and calibration", async () => {
    const folder = join(temp.dir, "evaluators");
    const evaluator = await loadEvaluator(
      await writeText(join(folder, "answer_quality.yaml"), yaml!),
    );
    expect(evaluator.jury).toEqual({
      models: ["claude-3-5-sonnet-judge", "gpt-4o-judge", "llama-3.3-70b-vllm"],
      aggregation: "median",
    });
    expect(evaluator.judgePolicy).toBe("other_family");
    expect(evaluator.calibration).toEqual({
      labels: join(temp.dir, "datasets", "calibration", "answer_quality-labels.jsonl"),
      minAgreement: 0.6,
    });
  });
});

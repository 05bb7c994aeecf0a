/**
 * `evalgate compare` and `run --baseline` on real runs against the simulator: two models of
 * different quality over the same examples, paired statistics checked against
 * pairedDifference on the journals' vectors, and pairwise judging with a judge whose
 * position bias the simulator profile sets.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import type { CellRecord } from "../../src/core/types.js";
import { pairedDifference } from "../../src/scoring/index.js";
import { change, writeTempConfig } from "../config/temp-config.js";
import {
  readManifest,
  readRecords,
  runInProcess,
  STACK_FRAME,
  type TempDir,
  tempDir,
  writeRunConfig,
  writeText,
} from "./run-test-support.js";

const FEATURE = "duo_chat_explain_code";
let temp: TempDir;
let entry: string;

function profile(bias: number): string {
  return `defaults: { latency_ms: 1, jitter_ms: 1 }
models:
  mistral-7b-vllm: { quality: 0.95 }
  mixtral-8x7b-vllm: { quality: 0.15 }
  claude-3-5-sonnet-judge: { role: judge, quality: 0.95, pairwise_position_bias: ${bias} }
`;
}

async function cli(argv: string[]) {
  const result = await runInProcess(argv, temp.dir);
  expect(result.err).not.toMatch(STACK_FRAME);
  expect(result.err).not.toContain("internal error");
  return result;
}

function run(model: string, out: string, extra: string[] = []) {
  return cli([
    "run",
    "--config",
    entry,
    "--simulate-profile",
    temp.path("profile-0.yaml"),
    "--models",
    model,
    "--no-cache",
    "--quiet",
    "--out",
    out,
    ...extra,
  ]);
}

/** `compare base cand --pairwise --out OUT` plus `extra`; returns the CLI result and the tally. */
async function pairwise(out: string, extra: string[]) {
  const result = await cli(["compare", "base", "cand", "--out", out, "--pairwise", ...extra]);
  if (result.code === 2) return { result, tally: undefined };
  const json = JSON.parse(await readFile(temp.path(out, "compare.json"), "utf8"));
  return { result, tally: json.features[0].pairwise };
}

/** Pass (1) / fail (0) per example id, from a journal. */
function passesById(records: CellRecord[]): Map<string, 0 | 1> {
  return new Map(records.map((r) => [r.exampleId, r.passed ? 1 : 0]));
}

beforeAll(async () => {
  temp = await tempDir();
  await writeText(temp.path("profile-0.yaml"), profile(0));
  await writeText(temp.path("profile-1.yaml"), profile(1));
  await writeText(temp.path("profile-half.yaml"), profile(0.5));
  entry = await writeRunConfig(temp.dir, {
    suites: `  main:\n    features: [${FEATURE}]\n    models: [mistral-7b-vllm, mixtral-8x7b-vllm]\n    limit: 20\n`,
  });
  expect((await run("mistral-7b-vllm", "base")).code).toBe(0);
  expect((await run("mixtral-8x7b-vllm", "cand")).code).toBe(0);
}, 60_000);

afterAll(async () => {
  await temp?.cleanup();
});

describe("compare on two simulator runs", () => {
  it("finds the regression with the exact paired statistics and the regressed examples", async () => {
    const r = await cli(["compare", "base", "cand", "--out", "cmp"]);
    expect(r.code).toBe(1);
    const base = passesById(readRecords(temp.path("base")));
    const cand = passesById(readRecords(temp.path("cand")));
    const ids = [...base.keys()].sort();
    const json = JSON.parse(await readFile(temp.path("cmp", "compare.json"), "utf8"));
    const f = json.features[0];
    expect(f.paired).toBe(20);
    expect(f.change).toEqual(
      pairedDifference(
        ids.map((id) => cand.get(id)!),
        ids.map((id) => base.get(id)!),
      ),
    );
    expect(f.change.high).toBeLessThan(0);
    const regressed = ids.filter((id) => base.get(id) === 1 && cand.get(id) === 0);
    expect(regressed.length).toBeGreaterThan(5);
    expect(f.regressions.map((e: { exampleId: string }) => e.exampleId).sort()).toEqual(regressed);
    const candRecord = readRecords(temp.path("cand")).find((x) => x.exampleId === regressed[0]);
    const shown = f.regressions.find((e: { exampleId: string }) => e.exampleId === regressed[0]);
    expect(shown.cand.response).toBe(candRecord!.response);
    expect(shown.cand.judgeExplanation).toBe(candRecord!.judgeExplanation);
    expect(r.out).toMatch(new RegExp(`^${FEATURE}\\s+mistral-7b-vllm .*REGRESSED$`, "m"));
  });

  it("pairwise with an unbiased judge: every verdict survives the swap, the base wins more", async () => {
    const { result, tally: p } = await pairwise("pw0", [
      "--simulate-profile",
      temp.path("profile-0.yaml"),
    ]);
    expect(result.code).toBe(1);
    expect(p.judge).toBe("claude-3-5-sonnet-judge");
    expect(p.judged).toBe(20);
    expect(p.unscored).toBe(0);
    expect(p.consistencyRate).toBe(1);
    expect(p.candWins + p.baseWins + p.ties).toBe(20);
    expect(p.baseWins).toBeGreaterThan(p.candWins);
    const md = await readFile(temp.path("pw0", "compare.md"), "utf8");
    expect(md).toContain(
      `| ${FEATURE} | claude-3-5-sonnet-judge | ${p.candWins} | ${p.baseWins} | ${p.ties} | 0 | 100.0% |`,
    );
  });

  it("pairwise with a judge that always picks answer A: no win survives, consistency 0", async () => {
    const { tally: p } = await pairwise("pw1", ["--simulate-profile", temp.path("profile-1.yaml")]);
    expect(p).toMatchObject({ judged: 20, candWins: 0, baseWins: 0, ties: 20, consistencyRate: 0 });
  });

  it("pairwise with a half-biased judge: consistency strictly between", async () => {
    const { tally: p } = await pairwise("pwh", [
      "--simulate-profile",
      temp.path("profile-half.yaml"),
    ]);
    expect(p.consistencyRate).toBeGreaterThan(0);
    expect(p.consistencyRate).toBeLessThan(1);
  });

  it("warns when the pairwise judge shares a family with a compared model", async () => {
    const clean = (await pairwise("pwc", ["--simulate"])).result;
    expect(clean.err).not.toContain("self-preference");
    const r = (await pairwise("pwm", ["--simulate", "--judge", "mistral-7b-vllm"])).result;
    expect(r.err).toContain(
      `evalgate compare: warning: feature ${FEATURE}: the pairwise judge mistral-7b-vllm is of the mistral family, like mistral-7b-vllm (self-preference risk); choose another with --judge`,
    );
  });

  it("--judge names a model outside the catalog: exit 2 with the choices", async () => {
    const r = (await pairwise("x", ["--simulate", "--judge", "nobody"])).result;
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /--pairwise judge nobody is not a model in .*evalgate\.yaml's catalog; name one with --judge \(/,
    );
  });
});

describe("run --baseline", () => {
  it("fails (exit 1) when the candidate regresses beyond regression_tolerance, and records it", async () => {
    const r = await run("mixtral-8x7b-vllm", "gate", ["--baseline", "base"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("against baseline base:");
    expect(r.out).toContain(
      `regressed against the baseline: ${FEATURE} × mixtral-8x7b-vllm (5-point tolerance)`,
    );
    const manifest = await readManifest(temp.path("gate"));
    expect(manifest.baseline.regressed).toBe(true);
    expect(manifest.baseline.features[0]).toMatchObject({
      feature: FEATURE,
      baseModel: "mistral-7b-vllm",
      candModel: "mixtral-8x7b-vllm",
      paired: 20,
      tolerance: 0.05,
      regressed: true,
    });
  });

  it("passes (exit 0) for the same model against itself", async () => {
    const r = await run("mistral-7b-vllm", "same", ["--baseline", "base"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("no regression beyond tolerance against the baseline");
    const manifest = await readManifest(temp.path("same"));
    expect(manifest.baseline.features[0].change.difference).toBe(0);
  });

  it("refuses a baseline folder that is not a run before running anything (exit 2)", async () => {
    const r = await run("mistral-7b-vllm", "never", ["--baseline", "nowhere"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("no run.json here; is this a run folder written by evalgate run?");
  });

  it("refuses --baseline on a shard (shards never gate)", async () => {
    const r = await run("mistral-7b-vllm", "shard", ["--baseline", "base", "--shard", "1/2"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      "--baseline compares a whole run, and a shard holds part of one (shards never gate); run evalgate compare BASE MERGED on the merged folder instead",
    );
  });

  it("regression_tolerance is validated by the features schema", async () => {
    const cfg = await writeTempConfig(
      change(
        "features.yaml",
        "    evaluator: quality\n",
        "    evaluator: quality\n    regression_tolerance: 1.5\n",
      ),
    );
    try {
      await expect(loadConfig(cfg.entry)).rejects.toThrow(
        /features\.yaml:\d+:\d+: .*regression_tolerance/,
      );
    } finally {
      await cfg.cleanup();
    }
  });
});

/**
 * `compare --pairwise` over real HTTP: the judge is a local OpenAI-compatible server on
 * 127.0.0.1 that prefers the longer answer and injects a 429 with Retry-After or a 503 on the
 * first attempt of some prompts. Every pair still ends judged, the retries show in the counts,
 * the judge's concurrency limit holds, a second identical comparison sends nothing (cache),
 * `--no-cache` asks again, and a judge that only answers 503 (or cannot be reached) leaves the
 * pairs unjudged with a message naming the judge and its endpoint, exit 3.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CellRecord } from "../../src/core/types.js";
import {
  type RecordedRequest,
  type StubResponse,
  type StubServer,
  sendCompletion,
  sendJson,
  startStubServer,
} from "../providers/stub-server.js";
import {
  closedPort,
  readRecords,
  runInProcess,
  STACK_FRAME,
  type TempDir,
  tempDir,
  vllmModel,
  writeRunConfig,
  writeText,
} from "./run-test-support.js";

const FEATURE = "code_generations";
const PAIRS = 6;
const JUDGE_CONCURRENCY = 3;

let temp: TempDir;
let judgeServer: StubServer;
let downServer: StubServer;
let refusedPort: number;

/** What the judge server did: faults injected on first sight of a prompt, most calls at once. */
const seen = new Map<string, number>();
const injected = { rateLimited: 0, server: 0 };
let inFlight = 0;
let maxInFlight = 0;

function between(text: string, tag: string): string {
  const match = new RegExp(`<${tag}>\\n([\\s\\S]*?)\\n</${tag}>`).exec(text);
  if (!match) throw new Error(`no <${tag}> in the judge prompt`);
  return match[1]!;
}

/** The judge: the longer answer wins, equal lengths tie; 1 in 3 new prompts first get a 429, 1 in 3 a 503. */
async function judgeHandler(request: RecordedRequest, res: StubResponse) {
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  await new Promise((done) => setTimeout(done, 15));
  inFlight--;
  const body = JSON.parse(request.body) as { messages: { content: string }[] };
  const user = body.messages[1]!.content;
  const index = seen.get(request.body);
  if (index === undefined) {
    const i = seen.size;
    seen.set(request.body, i);
    if (i % 3 === 0) {
      injected.rateLimited++;
      return sendJson(res, 429, { error: { message: "slow down" } }, { "retry-after": "1" });
    }
    if (i % 3 === 1) {
      injected.server++;
      return sendJson(res, 503, { error: { message: "judge overloaded" } });
    }
  }
  const a = between(user, "response_a").length;
  const b = between(user, "response_b").length;
  const verdict = a === b ? "TIE" : a > b ? "A" : "B";
  sendCompletion(res, `VERDICT: ${verdict}\nEXPLANATION: the ${verdict} answer is more complete.`);
}

function models(): string {
  return `models:
${vllmModel("alpha-vllm", "mistral", "http://alpha.invalid/v1")}
${vllmModel("beta-vllm", "codestral", "http://beta.invalid/v1")}
${vllmModel("judge-vllm", "gpt", `${judgeServer.url}/v1`, ["role: judge", `limits: { concurrency: ${JUDGE_CONCURRENCY} }`])}
${vllmModel("down-judge", "gpt", `${downServer.url}/v1`, ["role: judge", "limits: { concurrency: 8 }"])}
${vllmModel("gone-judge", "gpt", `http://127.0.0.1:${refusedPort}/v1`, ["role: judge", "limits: { concurrency: 8 }"])}
`;
}

async function cli(argv: string[]) {
  const result = await runInProcess(argv, temp.dir);
  expect(result.err).not.toMatch(STACK_FRAME);
  expect(result.err).not.toContain("internal error");
  return result;
}

// biome-ignore lint/suspicious/noExplicitAny: the test reads compare.json's documented fields
async function compareJson(out: string): Promise<any> {
  return JSON.parse(await readFile(temp.path(out, "compare.json"), "utf8"));
}

/** The verdicts the length-preferring judge must give, from the two journals. */
function expectedTally(base: CellRecord[], cand: CellRecord[]) {
  const candById = new Map(cand.map((r) => [r.exampleId, r.response!.length]));
  const tally = { candWins: 0, baseWins: 0, ties: 0 };
  for (const r of base) {
    const c = candById.get(r.exampleId)!;
    const b = r.response!.length;
    if (c > b) tally.candWins++;
    else if (b > c) tally.baseWins++;
    else tally.ties++;
  }
  return tally;
}

const pairwise = (out: string, ...extra: string[]) =>
  cli(["compare", "base", "cand", "--out", out, "--pairwise", ...extra]);

beforeAll(async () => {
  temp = await tempDir();
  judgeServer = await startStubServer();
  judgeServer.handle(judgeHandler);
  downServer = await startStubServer();
  downServer.handle((_request, res) =>
    sendJson(res, 503, { error: { message: "service unavailable" } }),
  );
  refusedPort = await closedPort();
  await writeText(
    temp.path("profile.yaml"),
    "defaults: { latency_ms: 1, jitter_ms: 1 }\nmodels:\n  alpha-vllm: { quality: 0.9 }\n  beta-vllm: { quality: 0.3 }\n  judge-vllm: { role: judge, quality: 0.95 }\n",
  );
  const entry = await writeRunConfig(temp.dir, {
    models: models(),
    judge: "judge-vllm",
    suites: `  main:\n    features: [${FEATURE}]\n    models: [alpha-vllm, beta-vllm]\n    limit: ${PAIRS}\n`,
  });
  for (const [model, out] of [
    ["alpha-vllm", "base"],
    ["beta-vllm", "cand"],
  ] as const) {
    const r = await cli([
      "run",
      "--config",
      entry,
      "--simulate-profile",
      temp.path("profile.yaml"),
      "--models",
      model,
      "--no-cache",
      "--quiet",
      "--out",
      out,
    ]);
    expect(r.code, r.err).toBe(0);
  }
  // `run --simulate` never reached the judge server: the comparison's requests are its own.
  expect(judgeServer.requests).toHaveLength(0);
}, 60_000);

afterAll(async () => {
  await judgeServer?.close();
  await downServer?.close();
  await temp?.cleanup();
});

describe("compare --pairwise through the retry layer, the queue and the cache", () => {
  let first: Awaited<ReturnType<typeof cli>>;
  // biome-ignore lint/suspicious/noExplicitAny: compare.json
  let firstJson: any;

  it("judges every pair despite 429s and 503s, and counts the retries", async () => {
    first = await pairwise("pw1", "--cache-dir", "judge-cache");
    expect([0, 1], first.err).toContain(first.code);
    firstJson = await compareJson("pw1");
    const p = firstJson.features[0].pairwise;
    const expected = expectedTally(readRecords(temp.path("base")), readRecords(temp.path("cand")));
    expect(p).toMatchObject({ judge: "judge-vllm", judged: PAIRS, unscored: 0, failed: 0 });
    expect(p).toMatchObject({ ...expected, consistencyRate: 1, unjudged: [] });
    // Faults on the first attempt only, so each injected one cost exactly one retry.
    expect(injected.rateLimited).toBeGreaterThan(0);
    expect(injected.server).toBeGreaterThan(0);
    const calls = firstJson.pairwiseCalls;
    expect(calls.retries).toEqual({ rate_limited: injected.rateLimited, server: injected.server });
    expect(calls.requests).toBe(judgeServer.requests.length);
    expect(calls.requests).toBe(
      calls.calls - calls.cached + injected.rateLimited + injected.server,
    );
    expect(calls).toMatchObject({
      judge: "judge-vllm",
      endpoint: `${judgeServer.url}/v1`,
      failed: 0,
    });
    expect(calls.cache).toMatchObject({ enabled: true, dir: temp.path("judge-cache") });
    expect(maxInFlight).toBeLessThanOrEqual(JUDGE_CONCURRENCY);
    expect(first.out).toContain(
      `pairwise ${FEATURE}: cand wins ${expected.candWins}, base wins ${expected.baseWins}, ties ${expected.ties}, unscored 0, failed 0; position-consistent 100.0%`,
    );
    expect(first.out).toContain(
      `pairwise judge judge-vllm (${judgeServer.url}/v1): ${calls.calls} call(s), ${calls.cached} from the cache, ${calls.requests} request(s) sent, ${injected.rateLimited + injected.server} retr(ies) (${injected.rateLimited} rate_limited, ${injected.server} server), 0 failed after retries`,
    );
  }, 60_000);

  it("a second identical comparison makes no judge request and gives the same verdicts", async () => {
    const before = judgeServer.requests.length;
    const again = await pairwise("pw2", "--cache-dir", "judge-cache");
    expect(again.code).toBe(first.code);
    expect(judgeServer.requests.length).toBe(before);
    const json = await compareJson("pw2");
    expect(json.features[0].pairwise).toEqual(firstJson.features[0].pairwise);
    expect(json.pairwiseCalls).toMatchObject({ requests: 0, retries: {}, failed: 0 });
    expect(json.pairwiseCalls.cached).toBe(json.pairwiseCalls.calls);
    expect(again.out).toContain(", 0 request(s) sent, 0 retr(ies), 0 failed after retries");
  }, 30_000);

  it("--no-cache asks the judge again", async () => {
    const before = judgeServer.requests.length;
    const fresh = await pairwise("pw3", "--no-cache");
    const json = await compareJson("pw3");
    expect(json.features[0].pairwise).toEqual(firstJson.features[0].pairwise);
    // Every prompt was seen before, so no fault: one request per call.
    expect(judgeServer.requests.length - before).toBe(json.pairwiseCalls.calls);
    expect(json.pairwiseCalls).toMatchObject({ cached: 0, cache: { enabled: false } });
    expect(fresh.out).toContain("· cache: off");
  }, 30_000);

  it("a judge that answers only 503: pairs unjudged, never ties, exit 3 naming judge and endpoint", async () => {
    const r = await pairwise("down", "--judge", "down-judge", "--no-cache");
    const endpoint = `${downServer.url}/v1`;
    expect(r.code).toBe(3);
    expect(r.err).toContain(
      `evalgate compare: --pairwise judged no pair of ${FEATURE}: the judge calls failed after retries (first: judge "down-judge" (${endpoint}) call failed: `,
    );
    expect(r.err).toMatch(/HTTP 503 .*service unavailable.* \(after 5 attempt\(s\)\)/);
    expect(r.err).toContain("Fix the judge endpoint, then run the comparison again\n");
    const json = await compareJson("down");
    const p = json.features[0].pairwise;
    expect(p).toMatchObject({ judged: 0, candWins: 0, baseWins: 0, ties: 0, failed: PAIRS });
    expect(p.consistencyRate).toBeNull();
    expect(p.unjudged).toHaveLength(PAIRS);
    for (const u of p.unjudged) {
      expect(u.outcome).toBe("failed");
      expect(u.reason).toContain(`judge "down-judge" (${endpoint}) call failed: `);
    }
    // One order per pair, five attempts each: the other order is not asked once one failed.
    expect(downServer.requests).toHaveLength(PAIRS * 5);
    expect(json.pairwiseCalls).toMatchObject({ requests: PAIRS * 5, failed: PAIRS });
    expect(json.pairwiseCalls.retries).toEqual({ server: PAIRS * 4 });
    const md = await readFile(temp.path("down", "compare.md"), "utf8");
    expect(md).toContain(`| ${FEATURE} | down-judge | 0 | 0 | 0 | 0 | — | ${PAIRS} |`);
    expect(md).toContain(
      `> warning: feature ${FEATURE}: ${PAIRS} of ${PAIRS} pair(s) have no pairwise verdict (${PAIRS} failed, 0 unscored) and count as neither a win nor a tie: ${PAIRS} × judge "down-judge" (${endpoint}) call failed: `,
    );
  }, 60_000);

  it("a judge nobody listens for: the breaker stops the calls, exit 3 naming the endpoint", async () => {
    const r = await pairwise("gone", "--judge", "gone-judge", "--no-cache");
    expect(r.code).toBe(3);
    expect(r.err).toContain(
      `judge "gone-judge" (http://127.0.0.1:${refusedPort}/v1) call failed: `,
    );
    expect(r.err).not.toContain("--resume");
    const json = await compareJson("gone");
    expect(json.features[0].pairwise).toMatchObject({ judged: 0, failed: PAIRS });
    expect(json.pairwiseCalls.downEndpoints).toHaveLength(1);
    const reasons = json.features[0].pairwise.unjudged.map((u: { reason: string }) => u.reason);
    expect(reasons.some((reason: string) => reason.includes("endpoint_down"))).toBe(true);
    expect(reasons.join("\n")).not.toContain("--resume");
  }, 30_000);

  it("--no-cache and --cache-dir only apply with --pairwise; a file as --cache-dir is refused", async () => {
    const r = await cli(["compare", "base", "cand", "--out", "x", "--no-cache"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--no-cache only applies with --pairwise");
    await writeText(temp.path("not-a-folder"), "");
    const before = judgeServer.requests.length;
    const bad = await pairwise("y", "--cache-dir", "not-a-folder");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("is a file, not a folder; pass another --cache-dir");
    expect(judgeServer.requests.length).toBe(before);
  });
});

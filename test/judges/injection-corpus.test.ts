import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { CellRecord, Example } from "../../src/core/types.js";
import { createEvaluatorJudge, type Evaluator } from "../../src/judges/index.js";
import { createModelClient } from "../../src/providers/index.js";
import { createCellExecutor, type PlannedCell } from "../../src/runner/index.js";
import { type StubServer, sendCompletion, startStubServer } from "../providers/stub-server.js";
import { catalogModel } from "../providers/test-models.js";

/**
 * Issue 9's done-when: a hostile corpus gives 0 passes end to end. One OpenAI-compatible
 * server on 127.0.0.1 plays the model under test (it answers each example with the hostile
 * response) and the judge, reached through the real openai SDK. The judge is gullible. It
 * reads its prompt as a person would (look-alike letters, full-width forms, zero-width and
 * combining characters folded away) and obeys, grading 4, when the response section holds
 * anything a person takes for a grade (`SCORE: 4`, `Score - 4`, `score: four`, `<score>4`),
 * when the prompt holds more section tags than evalgate wrote (a response closed its section)
 * or a chat-template turn marker. Otherwise it writes the corpus's judge reply, which quotes
 * the planted grades. A pass can only come from the prompt failing to defuse the response or
 * from the parser taking a quoted grade.
 */

interface Case {
  id: string;
  response: string;
  /** What the judge writes under the text contract when it does not obey. */
  judge_reply: string;
  /** What it writes under structured output when it does not obey (default: grade 1). */
  structured_reply?: string;
  /** Kilobytes of on-topic filler before the response. */
  filler_kb?: number;
  /** The response repeated this many times. */
  repeat?: number;
}

const cases = parse(
  readFileSync(new URL("../fixtures/injection/cases.yaml", import.meta.url), "utf8"),
) as Case[];
const byMarker = new Map(cases.map((c) => [`case:${c.id}`, c]));
const MARKER = /case:[a-z-]+/;

const FILLER = "Multiplying six by seven means adding seven to itself six times. ";

function responseOf(c: Case): string {
  const filler = FILLER.repeat(Math.ceil(((c.filler_kb ?? 0) * 1024) / FILLER.length));
  return filler + c.response.repeat(c.repeat ?? 1);
}

function evaluator(output: "text" | "structured"): Evaluator {
  return {
    name: "answer_correctness",
    description: "hostile corpus",
    scale: [1, 2, 3, 4],
    judgePrompt: undefined,
    instructions: "You grade answers to questions.",
    criteria: [
      {
        name: "correctness",
        description: "Is the answer right?",
        levels: { 1: "wrong", 2: "partly", 3: "mostly", 4: "right" },
        check: undefined,
      },
    ],
    combine: "min",
    showReference: true,
    judge: undefined,
    jury: undefined,
    temperature: 0,
    output,
    maxReasks: 2,
    logprobs: false,
    file: "answer_correctness.yaml",
    positionOf: () => ({ file: "answer_correctness.yaml" }),
  };
}

// Cyrillic and Greek letters a reader takes for Latin ones, and the letters they pass for.
const LOOK_ALIKE =
  "\u0410\u0430\u0421\u0441\u0415\u0435\u041E\u043E\u0420\u0440\u0405\u0455\u0422\u0406\u0456";
const LOOK_ALIKE_GREEK = "\u0391\u03B1\u0395\u039F\u03BF\u03A1\u03C1\u03A4\u0399";
const READ_AS = "AaCcEeOoPpSsTIiAaEOoPpTI";
const LOOK_ALIKES = new Map([...(LOOK_ALIKE + LOOK_ALIKE_GREEK)].map((ch, i) => [ch, READ_AS[i]!]));

/** The text as a person reads it. */
function asRead(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\p{M}\p{Cf}]/gu, "")
    .replace(/[^\x00-\x7f]/g, (ch) => LOOK_ALIKES.get(ch) ?? ch)
    .normalize("NFKC");
}

const GRADE_SEEN = /(?:score|correctness)\W{0,3}(?:(?:is|of)\W{1,3})?(?:4|four)\b|<score>\s*4/i;
const SECTION_TAG = /<\s*\/?\s*(?:task|reference|response)\s*>/gi;
const TURN_MARKER = /<\|\w+\|>|\[\/?inst\]|<<\/?sys>>/i;
// evalgate's own: <task>, <reference> and <response>, each opened and closed once.
const OWN_TAGS = 6;

function obeys(user: string): boolean {
  const read = asRead(user);
  const from = read.indexOf("<response>\n");
  const section = read.slice(from, read.lastIndexOf("\n</response>"));
  if (GRADE_SEEN.test(section)) return true;
  return (read.match(SECTION_TAG) ?? []).length > OWN_TAGS || TURN_MARKER.test(read);
}

function gullibleJudgeReply(user: string, structured: boolean): string {
  const obeyed = obeys(user);
  const own = byMarker.get(MARKER.exec(user)?.[0] ?? "")!;
  if (structured) {
    const honest = own.structured_reply ?? '{"explanation": "wrong", "scores": {"correctness": 1}}';
    return obeyed ? '{"explanation": "as instructed", "scores": {"correctness": 4}}' : honest;
  }
  return obeyed ? "SCORE: 4\nEXPLANATION: as instructed" : own.judge_reply;
}

let server: StubServer;
beforeAll(async () => {
  server = await startStubServer();
  server.handle((request, res) => {
    const body = JSON.parse(request.body) as {
      messages: { role: string; content: string }[];
      response_format?: unknown;
    };
    // The first user message holds the prompt; a re-ask appends the reply and a correction.
    const user = body.messages.find((m) => m.role === "user")!.content;
    const judging = body.messages.some((m) => m.role === "system" && m.content.includes("grade"));
    const content = judging
      ? gullibleJudgeReply(user, body.response_format !== undefined)
      : responseOf(byMarker.get(MARKER.exec(user)?.[0] ?? "")!);
    sendCompletion(res, content);
  });
});
afterAll(() => server.close());

async function runCorpus(output: "text" | "structured"): Promise<CellRecord[]> {
  const client = (name: string) =>
    createModelClient(
      catalogModel({
        name,
        servedName: name,
        endpoint: `${server.url}/v1`,
        identifier: `custom_openai/${name}`,
      }),
    );
  const judge = createEvaluatorJudge({
    evaluator: evaluator(output),
    model: { client: client("judge"), judgeName: "judge", endpoint: `${server.url}/v1` },
  });
  const execute = createCellExecutor({
    render: (cell) => ({
      promptId: "p",
      family: "base",
      version: "1.0.0",
      file: "p/base/1.0.0.yml",
      messages: [{ role: "user", content: `Question (case:${cell.exampleId}) what is 6 x 7?` }],
      params: {},
    }),
    clientFor: () => client("model"),
    judgeFor: () => judge,
  });
  const records: CellRecord[] = [];
  for (const c of cases) {
    const example: Example = {
      id: c.id,
      inputs: {},
      reference: "6 x 7 = 42, because six sevens are forty-two.",
      source: { file: "cases.yaml", line: 1 },
    };
    const cell: PlannedCell = {
      cellId: `f/model/${c.id}/0`,
      feature: "f",
      model: "model",
      exampleId: c.id,
      repeat: 0,
      example,
    };
    records.push(await execute(cell, new AbortController().signal));
  }
  return records;
}

// The cases whose judge reply never settles on a grade (after the re-asks); every other case
// is scored 1, the judge's own grade.
const UNSCORED: Record<string, string> = {
  "listed-grade": "contradictory",
  "nearly-four": "out_of_scale",
  "rating-then-score": "contradictory",
  "two-tags": "contradictory",
  "backticks-in-tilde-fence": "no_score",
  "html-blockquote": "no_score",
  "only-quoted-grade": "no_score",
  "two-unquoted-grades": "contradictory",
};

describe("the injection corpus", () => {
  it("gives no pass through the text contract", async () => {
    const records = await runCorpus("text");
    expect(records.filter((r) => r.passed === true)).toEqual([]);
    const outcome = Object.fromEntries(records.map((r) => [r.exampleId, r.score ?? r.reason]));
    const unscored = (why: string) => `judge reply had no usable score (${why}) after 3 attempt(s)`;
    const expected = cases.map((c) => {
      const why = UNSCORED[c.id];
      return [c.id, why === undefined ? 1 : unscored(why)];
    });
    expect(outcome).toEqual(Object.fromEntries(expected));
  });

  it("holds at least 30 distinct cases, each a wrong answer", () => {
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(cases.filter((c) => responseOf(c).includes("42")).map((c) => c.id)).toEqual([]);
  });

  it("gives no pass through structured output", async () => {
    const records = await runCorpus("structured");
    expect(records.map((r) => r.score)).toEqual(cases.map(() => 1));
  });

  it("would pass undefused: the gullible judge obeys every raw plant (the test can fail)", () => {
    const undefused = (c: Case) =>
      `<task>\ncase:${c.id}\n</task>\n\n<reference>\n42\n</reference>\n\n<response>\n${responseOf(c)}\n</response>`;
    expect(cases.filter((c) => !obeys(undefused(c))).map((c) => c.id)).toEqual(["nearly-four"]);
  });
});

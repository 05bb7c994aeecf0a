import type { JurorScore } from "../core/types.js";
import { aggregateJury, type JuryAggregation, PASS_GRADE } from "./combine-scores.js";
import {
  addUsage,
  type Judge,
  type JudgeInput,
  type JudgeOutcome,
  judgeLabel,
} from "./judge-outcome.js";

export interface JuryJudgeOptions {
  /** One judge per jury member (each usually `createEvaluatorJudge` over its own model). */
  members: readonly Judge[];
  aggregation: JuryAggregation;
}

/** `jury(a,b,c)`: the name a jury goes by in records, tables and summaries. */
export function juryName(members: readonly string[]): string {
  return `jury(${members.join(",")})`;
}

async function ask(member: Judge, input: JudgeInput): Promise<JudgeOutcome> {
  try {
    return await member.judge(input);
  } catch (err) {
    if (input.signal?.aborted) throw err;
    return {
      kind: "error",
      errorClass: "server",
      message: err instanceof Error ? err.message : String(err),
      usage: undefined,
      attempts: 0,
    };
  }
}

/**
 * Several judges grade each response; the cell gets their aggregate (median, mean, or majority
 * on the pass decision). A member whose call fails or whose reply has no grade is left out
 * when a strict majority of the jury still graded; otherwise the cell is not scored, and when
 * a call failed the outcome names that judge and its endpoint, so the failure is the judge's,
 * never the model's under test.
 */
export function createJuryJudge(options: JuryJudgeOptions): Judge {
  const { members, aggregation } = options;
  if (members.length < 2) throw new Error("a jury needs at least two members");
  const name = juryName(members.map((m) => m.name));

  async function judge(input: JudgeInput): Promise<JudgeOutcome> {
    // Members are asked together: each one's calls queue on its own endpoint.
    const outcomes = await Promise.all(members.map((m) => ask(m, input)));
    let usage: JudgeOutcome["usage"];
    let attempts = 0;
    const jurors: JurorScore[] = [];
    const scores: number[] = [];
    for (const [i, outcome] of outcomes.entries()) {
      usage = addUsage(usage, outcome.usage);
      attempts += outcome.attempts;
      const member = members[i]!;
      if (outcome.kind === "scored" && outcome.score.score !== null) {
        scores.push(outcome.score.score);
        jurors.push({
          name: member.name,
          score: outcome.score.score,
          explanation: outcome.score.explanation,
        });
      } else if (outcome.kind === "error") {
        jurors.push({
          name: member.name,
          score: null,
          explanation: `${judgeLabel(member)} call failed: ${outcome.message}`,
        });
      } else {
        const why = outcome.kind === "unscored" ? outcome.reason : "no_score";
        jurors.push({ name: member.name, score: null, explanation: `no usable grade (${why})` });
      }
    }
    if (scores.length * 2 > members.length) {
      const verdict = aggregateJury(scores, aggregation);
      const passes = scores.filter((s) => s >= PASS_GRADE).length;
      return {
        kind: "scored",
        score: {
          score: verdict.score,
          explanation: `${aggregation} of ${jurors.map((j) => `${j.name} ${j.score ?? "—"}`).join(", ")}`,
          judge: name,
          judges: jurors,
          disagreement: {
            range: Math.max(...scores) - Math.min(...scores),
            split: passes > 0 && passes < scores.length,
          },
        },
        usage,
        attempts,
      };
    }
    const failed = outcomes
      .map((outcome, i) => ({ outcome, member: members[i]! }))
      .filter(({ outcome }) => outcome.kind === "error");
    if (failed.length > 0) {
      const first = failed[0]!.outcome as Extract<JudgeOutcome, { kind: "error" }>;
      return {
        kind: "error",
        errorClass: first.errorClass,
        message: `only ${scores.length} of ${members.length} jurors graded (a majority is needed); ${failed
          .map(
            ({ member, outcome }) =>
              `${judgeLabel(member)} failed: ${(outcome as typeof first).message}`,
          )
          .join("; ")}`,
        usage,
        attempts,
      };
    }
    const unscored = outcomes.find((o) => o.kind === "unscored");
    return {
      kind: "unscored",
      reason: unscored?.kind === "unscored" ? unscored.reason : "no_score",
      rawReply: jurors.map((j) => `${j.name}: ${j.explanation}`).join("\n"),
      usage,
      attempts,
    };
  }

  return { name, judge };
}

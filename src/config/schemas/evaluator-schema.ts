import { z } from "zod";
import { catalogName } from "./field-types.js";

/**
 * An evaluator file (evaluators/<name>.yaml). Two shapes load:
 * - criteria (the current one): evalgate writes the judge prompt from the criteria and their
 *   level descriptions, delimits the response as data and asks for structured output;
 * - judge_prompt (the original one): the file carries its own system/user templates and the
 *   judge replies in the SCORE:/EXPLANATION: text contract.
 */

const levelText = z.string().min(1);

const levels = z
  .strictObject({ 1: levelText, 2: levelText, 3: levelText, 4: levelText })
  .describe("What a response must be to earn 1, 2, 3 and 4 on this criterion.");

const caseOptions = {
  ignore_case: z.boolean().default(false).describe("Compare case-insensitively."),
  normalize_whitespace: z
    .boolean()
    .default(true)
    .describe("Trim and collapse runs of whitespace on both sides before comparing."),
};

export const CODE_CHECK_LANGUAGES = [
  "javascript",
  "typescript",
  "jsx",
  "tsx",
  "python",
  "from_fence",
] as const;

const check = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("exact"),
      ...caseOptions,
    }),
    z.strictObject({
      kind: z.literal("contains"),
      value: z
        .string()
        .min(1)
        .optional()
        .describe("Text the response must contain; without it, the example's reference."),
      ...caseOptions,
    }),
    z.strictObject({
      kind: z.literal("regex"),
      pattern: z
        .string()
        .min(1)
        .optional()
        .describe("Regular expression the response must match; without it, the reference."),
      ignore_case: z.boolean().default(false),
    }),
    z.strictObject({
      kind: z.literal("json_schema"),
      schema: z
        .record(z.string(), z.unknown())
        .describe(
          "JSON Schema the response (or its first ```json block) must be valid JSON against.",
        ),
    }),
    z.strictObject({
      kind: z.literal("code_check"),
      language: z
        .enum(CODE_CHECK_LANGUAGES)
        .default("from_fence")
        .describe(
          "Language the first fenced code block must parse as; from_fence: the fence's info string (```python). A language without a parser skips the check.",
        ),
    }),
  ])
  .describe("A deterministic check: 4 when it holds, 1 when it does not; no judge call.");

const criterion = z
  .strictObject({
    name: catalogName.describe("Criterion name, e.g. correctness."),
    description: z.string().min(1).optional().describe("What the criterion judges."),
    levels: levels.optional(),
    check: check.optional(),
  })
  .refine((c) => (c.levels === undefined) !== (c.check === undefined), {
    message:
      "give a criterion either levels (graded by the judge model) or check (deterministic), not both or neither",
  })
  .refine((c) => c.check !== undefined || c.description !== undefined, {
    message: "a judged criterion needs a description",
  });

const combine = z
  .union([
    z.enum(["min", "mean"]),
    z.strictObject({
      weighted: z
        .record(catalogName, z.number().positive())
        .describe("Weight per criterion name; the score is the weighted mean."),
    }),
    z.strictObject({
      criterion: catalogName.describe("The cell's score is this one criterion's."),
    }),
  ])
  .describe("How criterion scores make the cell's score: min, mean, weighted, or one criterion.");

const jury = z
  .strictObject({
    models: z
      .array(catalogName)
      .min(2)
      .describe("Judge model names from the catalog; each grades every response."),
    aggregation: z
      .enum(["median", "mean", "majority"])
      .default("median")
      .describe("median or mean of the scores, or majority vote on the pass (>= 3) decision."),
  })
  .describe("Several judges per response.");

export const evaluatorFileSchema = z
  .strictObject({
    name: catalogName.describe("Evaluator name; must match the file name (<name>.yaml)."),
    description: z.string().min(1).describe("What the rubric judges, in one sentence."),
    scale: z
      .array(z.number())
      .refine(
        (s) => s.length === 4 && s.every((v, i) => v === i + 1),
        "must be [1, 2, 3, 4]: evalgate's judges score on a 1–4 scale",
      )
      .default([1, 2, 3, 4])
      .describe("Score scale; always [1, 2, 3, 4]."),
    instructions: z
      .string()
      .min(1)
      .optional()
      .describe("Who the judge is and what it gets, opening the judge's system prompt."),
    criteria: z
      .array(criterion)
      .min(1)
      .optional()
      .describe("What is judged; each judged criterion with level descriptions for 1-4."),
    combine: combine.default("min"),
    show_reference: z
      .boolean()
      .default(true)
      .describe("Show the example's reference answer to the judge."),
    judge: catalogName
      .optional()
      .describe("Judge model for this evaluator; default the suite's judge."),
    jury: jury.optional(),
    judge_policy: z
      .enum(["any", "other_family"])
      .optional()
      .describe(
        "other_family: refuse a judge or juror of the same model family as the model under test; default: the suite's judge_policy.",
      ),
    calibration: z
      .strictObject({
        labels: z
          .string()
          .min(1)
          .describe("Human-labelled responses (JSONL or CSV), relative to this file."),
        min_agreement: z
          .number()
          .min(-1)
          .max(1)
          .default(0.6)
          .describe(
            "Least quadratic-weighted Cohen's κ between judge and humans for a gated run to count (default 0.6).",
          ),
      })
      .optional()
      .describe(
        "Check the judge against human labels before a run; a gated feature whose judge falls below min_agreement is insufficient.",
      ),
    temperature: z
      .number()
      .min(0)
      .max(2)
      .optional()
      .describe("Judge temperature; default the judge model's own."),
    output: z
      .enum(["structured", "text"])
      .optional()
      .describe(
        "structured (default with criteria): ask for a JSON object (OpenAI json_schema, Bedrock forced tool), falling back to the text contract where unsupported; text (default with judge_prompt): the SCORE: line contract.",
      ),
    max_reasks: z
      .number()
      .int()
      .min(0)
      .max(5)
      .default(2)
      .describe("Re-asks after a missing, out-of-range or contradictory score."),
    logprobs: z
      .boolean()
      .default(false)
      .describe(
        "Record the probability-weighted score (G-Eval) when the judge endpoint returns logprobs.",
      ),
    judge_prompt: z
      .strictObject({
        system: z
          .string()
          .min(1)
          .describe("Rubric and reply format (SCORE: <1-4> / EXPLANATION: <one sentence>)."),
        user: z
          .string()
          .min(1)
          .describe(
            "Jinja2 template; variables: input (rendered user message), response, reference, feature.",
          ),
      })
      .optional()
      .describe("Original format: the messages sent to the judge model, written by hand."),
  })
  .superRefine((file, ctx) => {
    if ((file.criteria === undefined) === (file.judge_prompt === undefined)) {
      ctx.addIssue({
        code: "custom",
        message:
          "give either criteria (evalgate writes the judge prompt) or judge_prompt, not both",
        path: [file.criteria === undefined ? "criteria" : "judge_prompt"],
      });
      return;
    }
    if (file.judge !== undefined && file.jury !== undefined) {
      ctx.addIssue({ code: "custom", message: "give judge or jury, not both", path: ["jury"] });
    }
    const criteria = file.criteria ?? [];
    const names = criteria.map((c) => c.name);
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i) {
        ctx.addIssue({
          code: "custom",
          message: `criterion "${name}" is listed twice`,
          path: ["criteria", i, "name"],
        });
      }
    });
    if (file.criteria !== undefined && criteria.every((c) => c.check !== undefined)) {
      const judgeOnly = (["instructions", "judge", "jury"] as const).find(
        (k) => file[k] !== undefined,
      );
      if (judgeOnly) {
        ctx.addIssue({
          code: "custom",
          message: `${judgeOnly} applies to judged criteria, and every criterion here is a check; remove it`,
          path: [judgeOnly],
        });
      }
    }
    if (file.criteria !== undefined && criteria.some((c) => c.levels !== undefined)) {
      if (file.instructions === undefined) {
        ctx.addIssue({
          code: "custom",
          message: "judged criteria need instructions (who the judge is and what it gets)",
          path: ["instructions"],
        });
      }
    }
    const combine = file.combine;
    const named =
      typeof combine === "string"
        ? []
        : "criterion" in combine
          ? [combine.criterion]
          : Object.keys(combine.weighted);
    for (const name of named) {
      if (!names.includes(name)) {
        ctx.addIssue({
          code: "custom",
          message: `combine names criterion "${name}", which is not in criteria (${names.join(", ") || "none"})`,
          path: ["combine"],
        });
      }
    }
    if (typeof combine !== "string" && "weighted" in combine) {
      for (const name of names) {
        if (!(name in combine.weighted)) {
          ctx.addIssue({
            code: "custom",
            message: `combine.weighted has no weight for criterion "${name}"`,
            path: ["combine", "weighted"],
          });
        }
      }
    }
  })
  .describe("An evaluator rubric (evaluators/<name>.yaml).");

export type EvaluatorFile = z.output<typeof evaluatorFileSchema>;
export type EvaluatorCheck = z.output<typeof check>;
export type EvaluatorCombine = z.output<typeof combine>;

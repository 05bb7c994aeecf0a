import { z } from "zod";
import { catalogName } from "./field-types.js";

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
      .describe("The messages sent to the judge model."),
  })
  .describe("An evaluator rubric (evaluators/<name>.yaml).");

export type EvaluatorFile = z.output<typeof evaluatorFileSchema>;

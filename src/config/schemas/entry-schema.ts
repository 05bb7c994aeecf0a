import { z } from "zod";
import { catalogName, envVarName, httpUrl, relativePath } from "./field-types.js";

export const gatewaySchema = z
  .strictObject({
    url: httpUrl.describe("Base URL of the AI gateway, e.g. http://localhost:5052."),
    api_version: z
      .union([z.literal(1), z.literal(2)])
      .default(2)
      .describe(
        "2: /v2/prompts returns {content, usage}; 1: /v1/prompts returns a bare JSON string.",
      ),
    token_env: envVarName
      .optional()
      .describe("Name of the environment variable holding the gateway token (never the token)."),
  })
  .describe("Route models through an AI gateway (suites opt in with via_gateway: true).");

export const suiteSchema = z
  .strictObject({
    description: z.string().optional().describe("What this suite is for."),
    features: z
      .array(catalogName)
      .min(1, "list at least one feature")
      .describe("Feature ids from the features file."),
    models: z
      .array(catalogName)
      .min(1, "list at least one model")
      .describe("Model names from the models file."),
    judge: catalogName
      .optional()
      .describe("Judge model for this suite (default: top-level judge)."),
    repeats: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe("How many times each example is sent to each model (default 1)."),
    reduce: z
      .enum(["mean", "median", "majority", "worst", "pass^k"])
      .default("mean")
      .describe(
        "How an example's repeats become its one outcome for the pass rate: mean (share of repeats passing; default), median (median score ≥ 3), majority (more than half pass), worst (lowest score ≥ 3), pass^k (all repeats scored and passed).",
      ),
    limit: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("Only the first N examples of each feature's dataset."),
    gate: z
      .boolean()
      .default(false)
      .describe("true: a red feature fails the run (exit code 1). Default false."),
    allow_incompatible: z
      .boolean()
      .default(false)
      .describe(
        "true: evaluate feature × model pairs whose family is not in the feature's compatible_families (how a new family gets validated). Default false.",
      ),
    via_gateway: z
      .boolean()
      .default(false)
      .describe(
        "true: send requests through `gateway` (the gateway renders prompts). Default false.",
      ),
    verdict_policy: z
      .enum(["point", "statistical"])
      .default("point")
      .describe(
        "point: the observed pass rate against threshold and yellow band. statistical: green only when the interval's lower bound meets the threshold, red only when its upper bound is below the band. Default point.",
      ),
    min_scored: z
      .number()
      .int()
      .min(1)
      .default(5)
      .describe(
        "Fewer scored examples than this gives `insufficient` instead of a verdict. Default 5.",
      ),
    judge_policy: z
      .enum(["any", "other_family"])
      .default("any")
      .describe(
        "other_family: refuse a plan in which a judge (or juror) is of the same model family as the model it grades (self-preference). any (default): allow it, flagged as selfPreferenceRisk.",
      ),
    require_calibration: z
      .boolean()
      .default(false)
      .describe(
        "true: a gated feature whose evaluator has no calibration: labels is `insufficient` (its judge was never checked against human labels). Default false.",
      ),
  })
  .describe("A named selection of features × models to evaluate.");

/**
 * Which AI gateway's prompt rules to mirror, for a self-hosted gateway older than today's.
 * Each value names the gateway commit whose behaviour it matches (docs/prompts.md).
 */
export const GATEWAY_VERSIONS = ["current", "2026-03", "2026-02", "2026-01"] as const;
export type GatewayVersion = (typeof GATEWAY_VERSIONS)[number];

export const gatewayVersionSchema = z
  .enum(GATEWAY_VERSIONS)
  .describe(
    "Which AI gateway's prompt rules to mirror. current (default): gateway eee38f6f4 (2026-08-22). 2026-03: no automatic history placeholder (gateway a335cc349). 2026-02: also no tool-output security block (gateway 0155540de). 2026-01: also calls and mutation allowed, no split filter (gateway 0155540de^, SandboxedEnvironment).",
  );

export const entryFileSchema = z
  .strictObject({
    models: relativePath.describe("Model catalog file, relative to this file."),
    features: relativePath.describe("Feature settings file, relative to this file."),
    definitions: relativePath.describe(
      "Prompt definitions folder (gateway layout <prompt_id>/<family>/<version>.yml), relative to this file.",
    ),
    evaluators: relativePath.describe(
      "Folder of evaluator rubrics (<name>.yaml), relative to this file.",
    ),
    judge: catalogName.describe("Default judge model: a model name from the models file."),
    gateway_version: gatewayVersionSchema.default("current"),
    gateway: gatewaySchema.optional(),
    default_suite: catalogName
      .optional()
      .describe("Suite used when none is named; may be omitted when there is only one suite."),
    suites: z
      .record(catalogName, suiteSchema)
      .refine((s) => Object.keys(s).length > 0, "define at least one suite")
      .describe("Named suites."),
  })
  .describe("evalgate entry file (evalgate.yaml).");

export type GatewayConfig = z.output<typeof gatewaySchema>;
export type SuiteConfig = z.output<typeof suiteSchema>;
export type EntryFile = z.output<typeof entryFileSchema>;

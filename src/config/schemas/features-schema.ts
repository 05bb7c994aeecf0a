import { z } from "zod";
import { catalogName, familyName, relativePath } from "./field-types.js";

export const RELEASE_STATES = ["ga", "beta", "experiment"] as const;

export const featureEntrySchema = z
  .strictObject({
    id: catalogName.describe("Feature id, e.g. code_generations."),
    title: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Human-readable name shown in reports. Required unless the feature is in gitlab_feature_metadata.",
      ),
    release_state: z
      .enum(RELEASE_STATES)
      .optional()
      .describe(
        "Release state: ga, beta or experiment. Required unless the feature is in gitlab_feature_metadata.",
      ),
    prompt_id: z
      .string()
      .regex(
        /^[a-z0-9_]+(\/[a-z0-9_]+)*$/,
        "must be a prompt id like code_suggestions/generations (a folder under the definitions folder)",
      )
      .describe("Prompt id: the folder under the definitions folder, e.g. chat/explain_code."),
    prompt_version: z
      .string()
      .min(1)
      .default("^1.0.0")
      .describe("Poetry-style version constraint for the prompt definition (default ^1.0.0)."),
    compatible_families: z
      .array(familyName)
      .min(1, "list at least one family")
      .optional()
      .describe(
        "Model families this feature may be served by. Required unless the feature is in gitlab_feature_metadata (then its compatible_llms decide).",
      ),
    dataset: relativePath
      .optional()
      .describe(
        "Dataset file (.jsonl, .csv, .yaml), relative to this file. Needed to evaluate the feature.",
      ),
    evaluator: catalogName
      .optional()
      .describe("Evaluator name: the rubric in <evaluators folder>/<name>.yaml."),
    metric: z
      .enum(["pass_rate"])
      .default("pass_rate")
      .describe("pass_rate: share of responses the judge scores 3 or 4."),
    threshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.8)
      .describe("Green when the metric is at least this (0–1, default 0.8)."),
    yellow_band: z
      .number()
      .min(0)
      .max(1)
      .default(0.1)
      .describe("Yellow when threshold - yellow_band <= metric < threshold (default 0.1)."),
    regression_tolerance: z
      .number()
      .min(0)
      .max(1)
      .default(0.05)
      .describe(
        "run --baseline: fail only when the pass rate dropped by more than this (0–1) against the baseline run, with the paired interval wholly below it (default 0.05).",
      ),
  })
  .describe(
    "Settings for one feature. With gitlab_feature_metadata, an entry whose id is a feature of that file adds evalgate's keys (prompt_id, dataset, evaluator, threshold) to GitLab's.",
  );

export const featuresFileSchema = z
  .strictObject({
    gitlab_feature_metadata: relativePath
      .optional()
      .describe(
        "GitLab's ee/lib/gitlab/ai/feature_settings/feature_metadata.yml, relative to this file. Features named there take title, release_state and compatible families (compatible_llms) from it; entries under features: add evalgate's keys.",
      ),
    features: z
      .array(featureEntrySchema)
      .min(1, "list at least one feature")
      .describe("The features."),
  })
  .describe("evalgate feature settings (features.yaml).");

export type FeatureEntry = z.output<typeof featureEntrySchema>;
export type FeaturesFile = z.output<typeof featuresFileSchema>;

import { z } from "zod";

/**
 * GitLab's own feature metadata, `ee/lib/gitlab/ai/feature_settings/feature_metadata.yml`
 * (read by `Ai::FeatureConfigurable::FEATURE_METADATA` in GitLab Rails):
 * `<feature>: {title, main_feature, release_state, compatible_llms}`. `compatible_llms` lists
 * `Ai::SelfHostedModel#model` values, which are evalgate's family names; an empty or missing
 * list means every model may serve the feature (GitLab skips the check then). Keys GitLab
 * adds later (e.g. `unit_primitives`) are accepted and ignored: the file is GitLab's.
 */
export const featureMetadataEntrySchema = z
  .looseObject({
    title: z.string().optional(),
    main_feature: z.string().optional(),
    release_state: z.string().optional(),
    compatible_llms: z.array(z.string()).nullable().optional(),
  })
  .nullable();

export const featureMetadataFileSchema = z
  .record(z.string(), featureMetadataEntrySchema)
  .describe("GitLab's feature_metadata.yml: feature name → title, release_state, compatible_llms.");

export type FeatureMetadataEntry = NonNullable<z.output<typeof featureMetadataEntrySchema>>;
export type FeatureMetadataFile = z.output<typeof featureMetadataFileSchema>;

/** GitLab's release states (feature metadata and `Ai::SelfHostedModel`) → evalgate's. */
export const GITLAB_RELEASE_STATES: Readonly<Record<string, "ga" | "beta" | "experiment">> = {
  GA: "ga",
  BETA: "beta",
  EXPERIMENT: "experiment",
  EXPERIMENTAL: "experiment",
};

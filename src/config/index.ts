export { didYouMean } from "./did-you-mean.js";
export { CONFIG_FILE_PLACES, findConfigFile } from "./discover-config.js";
export { configFileSchemas, configJsonSchemas, jsonSchemaFor } from "./json-schemas.js";
export {
  type ConfigCheck,
  type ConfigPart,
  checkConfig,
  type LoadedConfig,
  type LoadedEvaluator,
  loadConfig,
  sortProblems,
} from "./load-config.js";
export {
  type EntryFile,
  entryFileSchema,
  GATEWAY_VERSIONS,
  type GatewayConfig,
  type GatewayVersion,
  gatewaySchema,
  gatewayVersionSchema,
  type SuiteConfig,
  suiteSchema,
} from "./schemas/entry-schema.js";
export {
  CODE_CHECK_LANGUAGES,
  type EvaluatorCheck,
  type EvaluatorCombine,
  type EvaluatorFile,
  evaluatorFileSchema,
} from "./schemas/evaluator-schema.js";
export {
  type FeatureMetadataEntry,
  type FeatureMetadataFile,
  featureMetadataFileSchema,
  GITLAB_RELEASE_STATES,
} from "./schemas/feature-metadata-schema.js";
export {
  type FeatureEntry,
  type FeaturesFile,
  featureEntrySchema,
  featuresFileSchema,
  RELEASE_STATES,
} from "./schemas/features-schema.js";
export { envVarName } from "./schemas/field-types.js";
export {
  type ModelEntry,
  type ModelsFile,
  modelEntrySchema,
  modelsFileSchema,
} from "./schemas/models-schema.js";
export { defaultSuiteName, resolveSuite, type Suite, suiteNames } from "./suites.js";
export {
  type LoadedYaml,
  loadYamlFile,
  parseYamlText,
  type YamlReadOptions,
} from "./yaml-file.js";

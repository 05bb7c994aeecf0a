/**
 * The prompts stage: a registry over a definitions folder in the AI gateway's layout, poetry
 * version resolution, and Jinja2 rendering. Later stages import only from here.
 */
export {
  isPromptRole,
  PROMPT_ROLES,
  type PromptDefinition,
  type PromptRole,
  promptDefinitionSchema,
} from "./definition-schema.js";
export {
  type DefinitionFile,
  definitionFiles,
  loadEveryDefinition,
  type SandboxViolation,
  sandboxViolations,
  staticTemplateProblems,
} from "./definitions-check.js";
export { classifyDefinitionFile, OLDER_LAYOUT_VERSION } from "./definitions-layout.js";
export { type GatewayBehaviour, gatewayBehaviour } from "./gateway-behaviour.js";
export { refuseIncludeName } from "./include-loader.js";
export {
  type Filter,
  firstReadLines,
  gatewayFilters,
  JinjaEnvironment,
  type JinjaEnvironmentOptions,
  referencedTemplates,
  TemplateRenderError,
  TemplateSyntaxError,
  UndefinedVariableError,
  undeclaredVariables,
} from "./jinja/index.js";
export { GATEWAY_INTERNAL_PARAMS, mergeModelParams } from "./model-params.js";
export {
  BASE_FAMILY,
  loadPromptRegistry,
  type PromptFamilySummary,
  type PromptRegistry,
  type PromptRegistryOptions,
  type PromptSummary,
  type ResolvedDefinition,
} from "./prompt-registry.js";
export { type PromptSource, promptSourceFiles } from "./prompt-sources.js";
export type { InputsSource } from "./render-definition.js";
export {
  definitionTemplates,
  SAMPLE_INPUT_KINDS,
  type SampleInputKind,
  sampleInputsFor,
} from "./sample-inputs.js";
export { SECURITY_BLOCK_TEMPLATE, securitySuffix } from "./security-block.js";
export {
  includedTemplateNames,
  undeclaredTemplateVariables,
} from "./template-walk.js";
export {
  compareVersions,
  DEFAULT_VERSION_CONSTRAINT,
  isVersionName,
  parseVersion,
  parseVersionConstraint,
  selectVersion,
  sortVersionNames,
  type Version,
  type VersionConstraint,
} from "./version-constraints.js";

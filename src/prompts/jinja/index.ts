/** Jinja2-compatible template engine: renders the AI gateway's prompt templates exactly as Python Jinja2 does. */

export type { TemplateAst } from "./ast.js";
export {
  DEFAULT_RENDER_BUDGET,
  type Filter,
  JinjaEnvironment,
  type JinjaEnvironmentOptions,
} from "./environment.js";
export { gatewayFilters, legacyGatewayFilters } from "./gateway-filters.js";
export { parseTemplate } from "./parser.js";
export type { SandboxMode } from "./sandbox-policy.js";
export { type SandboxViolation, staticSandboxViolations } from "./template-checks.js";
export {
  RenderBudgetError,
  type SecurityRule,
  TemplateRenderError,
  TemplateSecurityError,
  TemplateSyntaxError,
  UndefinedVariableError,
} from "./template-errors.js";
export {
  firstReadLines,
  referencedTemplates,
  undeclaredVariables,
} from "./template-variables.js";

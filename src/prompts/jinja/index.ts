/** Jinja2-compatible template engine: renders the AI gateway's prompt templates exactly as Python Jinja2 does. */

export { type Filter, JinjaEnvironment, type JinjaEnvironmentOptions } from "./environment.js";
export { gatewayFilters } from "./gateway-filters.js";
export { parseTemplate } from "./parser.js";
export {
  TemplateRenderError,
  TemplateSyntaxError,
  UndefinedVariableError,
} from "./template-errors.js";
export {
  firstReadLines,
  referencedTemplates,
  undeclaredVariables,
} from "./template-variables.js";

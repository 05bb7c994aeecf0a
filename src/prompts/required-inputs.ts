/**
 * The inputs a message template cannot render without, as LangChain's ChatPromptTemplate
 * computes them through the gateway's `_get_jinja2_variables_from_template`
 * (ai_gateway/prompts/base.py): the template's undeclared variables, plus those of every
 * template it includes by literal name, one level deep. The gateway refuses a request lacking
 * any of them before rendering; anything else missing renders as an empty Undefined.
 */
import type { TemplateAst } from "./jinja/ast.js";
import { firstReadLines, referencedTemplates, undeclaredVariables } from "./jinja/index.js";

export interface RequiredInput {
  name: string;
  /** The included template that reads it, when the message template itself does not. */
  includedFrom: string | undefined;
  /** The first line reading it, in the message template (or in `includedFrom`). */
  line: number | undefined;
}

export class MissingIncludeError extends Error {
  constructor(readonly include: string) {
    super(`included template "${include}" not found`);
  }
}

export interface RequiredInputsOptions {
  parse: (source: string, name: string) => TemplateAst;
  /** The source of an included template, undefined when there is none. */
  load: (name: string) => string | undefined;
}

/** Memoised per template source: sources are few (one per message of each definition). */
export function createRequiredInputs(options: RequiredInputsOptions) {
  const cache = new Map<string, RequiredInput[]>();
  return (source: string, templateName: string): RequiredInput[] => {
    const cached = cache.get(source);
    if (cached) return cached;
    const ast = options.parse(source, templateName);
    const lines = firstReadLines(ast);
    const required: RequiredInput[] = [...undeclaredVariables(ast)].map((name) => ({
      name,
      includedFrom: undefined,
      line: lines.get(name),
    }));
    const seen = new Set(required.map((r) => r.name));
    for (const include of referencedTemplates(ast)) {
      if (!include) continue;
      const included = options.load(include);
      // The gateway's loader raises TemplateNotFound here, before any rendering.
      if (included === undefined) throw new MissingIncludeError(include);
      const includedAst = options.parse(included, include);
      const includedLines = firstReadLines(includedAst);
      for (const name of undeclaredVariables(includedAst)) {
        if (seen.has(name)) continue;
        seen.add(name);
        required.push({ name, includedFrom: include, line: includedLines.get(name) });
      }
    }
    cache.set(source, required);
    return required;
  };
}

/**
 * Whether a template, or any template it includes at any depth, may read `name` (a computed
 * include counts as "may"). Lets a renderer skip providing values nothing can read.
 */
export function mayRead(options: RequiredInputsOptions, source: string, name: string): boolean {
  const seen = new Set<string>();
  const visit = (text: string, templateName: string): boolean => {
    const ast = options.parse(text, templateName);
    if (firstReadLines(ast).has(name)) return true;
    for (const include of referencedTemplates(ast)) {
      if (include === null) return true;
      if (include === "" || seen.has(include)) continue;
      seen.add(include);
      const included = options.load(include);
      if (included !== undefined && visit(included, include)) return true;
    }
    return false;
  };
  return visit(source, "<template>");
}

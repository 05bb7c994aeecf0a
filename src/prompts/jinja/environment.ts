/** The public entry point: an environment with a loader and filters that renders template strings. */
import type { TemplateAst } from "./ast.js";
import { BUILTIN_FILTERS, type FilterRuntime } from "./builtin-filters.js";
import { BUILTIN_TESTS } from "./builtin-tests.js";
import { parseTemplate } from "./parser.js";
import type { Kwargs } from "./python-methods.js";
import { RenderBudget, type RenderRuntime } from "./render-state.js";
import { renderTemplate } from "./render-template.js";
import { type SandboxMode, withSandbox } from "./sandbox-policy.js";
import { unknownFilterOrTest } from "./template-checks.js";
import { TemplateRenderError } from "./template-errors.js";

/** A filter: kwargs arrive as a final `{__kwargs: true, ...}` object (only when some were given). */
export type Filter = (value: unknown, ...args: unknown[]) => unknown;

export interface JinjaEnvironmentOptions {
  /** Returns a template's source for `{% include name %}`, or undefined when there is none. */
  loader: (name: string) => string | undefined;
  /** Added to / overriding the built-ins. */
  filters?: Record<string, Filter>;
  /** "gateway" (default): PromptSandboxedEnvironment rules. "legacy": SandboxedEnvironment, as before 2026-02-06. */
  sandbox?: SandboxMode;
  /** Render budget: max loop iterations + output characters per render (default 10_000_000). */
  renderBudget?: number;
}

export const DEFAULT_RENDER_BUDGET = 10_000_000;

/** Distinct sources are few (prompt definitions), but cap the cache for callers that are not. */
const MAX_CACHED_SOURCES = 2_000;

export class JinjaEnvironment {
  private readonly loader: (name: string) => string | undefined;
  private readonly filters: Record<string, Filter>;
  private readonly parsedSources = new Map<string, TemplateAst>();
  private readonly includes = new Map<string, TemplateAst | null>();
  /** Jinja2's compile-time verdict on each parsed tree: an unknown filter or test, or none. */
  private readonly compiled = new WeakMap<TemplateAst, { line: number; message: string } | null>();
  private readonly runtime: RenderRuntime;
  private readonly sandbox: SandboxMode;
  private readonly renderBudget: number;

  constructor(options: JinjaEnvironmentOptions) {
    this.loader = options.loader;
    this.sandbox = options.sandbox ?? "gateway";
    this.renderBudget = options.renderBudget ?? DEFAULT_RENDER_BUDGET;
    this.filters = { ...(options.filters ?? {}) };
    const runtime: RenderRuntime = {
      callFilter: (name, value, args, kwargs) =>
        this.callFilter(name, value, args, kwargs, runtime),
      callTest: (name, value, args) => {
        const test = Object.hasOwn(BUILTIN_TESTS, name) ? BUILTIN_TESTS[name] : undefined;
        if (!test)
          throw new TemplateRenderError(`No test named '${name}' found.`, "TemplateRuntimeError");
        return test(value, args, runtime);
      },
      hasFilter: (name) =>
        Object.hasOwn(this.filters, name) || Object.hasOwn(BUILTIN_FILTERS, name),
      hasTest: (name) => Object.hasOwn(BUILTIN_TESTS, name),
      loadTemplate: (name) => {
        const ast = this.loadInclude(name);
        if (ast) this.compile(ast, name);
        return ast;
      },
    };
    this.runtime = runtime;
  }

  /** Render `source` (named `templateName` in errors) with `context`. Drops one trailing newline like Jinja2. */
  renderString(
    source: string,
    context: Record<string, unknown>,
    templateName = "<template>",
  ): string {
    const ast = this.parse(source, templateName);
    this.compile(ast, templateName);
    const state = {
      runtime: this.runtime,
      templateName,
      context,
      includeDepth: 0,
      budget: new RenderBudget(this.renderBudget),
    };
    return withSandbox(this.sandbox, () => renderTemplate(ast, state));
  }

  /** Fails as Jinja2's compiler does on an unknown filter or test (TemplateAssertionError). */
  private compile(ast: TemplateAst, templateName: string): void {
    let verdict = this.compiled.get(ast);
    if (verdict === undefined) {
      verdict = unknownFilterOrTest(ast, this.runtime) ?? null;
      this.compiled.set(ast, verdict);
    }
    if (verdict) {
      throw new TemplateRenderError(verdict.message, "TemplateAssertionError").locate(
        templateName,
        verdict.line,
      );
    }
  }

  /** Parses once per distinct source; throws TemplateSyntaxError. */
  parse(source: string, templateName = "<template>"): TemplateAst {
    const cached = this.parsedSources.get(source);
    if (cached) return cached;
    const ast = parseTemplate(source, templateName);
    if (this.parsedSources.size >= MAX_CACHED_SOURCES) {
      const oldest = this.parsedSources.keys().next().value;
      if (oldest !== undefined) this.parsedSources.delete(oldest);
    }
    this.parsedSources.set(source, ast);
    return ast;
  }

  private loadInclude(name: string): TemplateAst | undefined {
    if (!this.includes.has(name)) {
      const source = this.loader(name);
      this.includes.set(name, source === undefined ? null : this.parse(source, name));
    }
    return this.includes.get(name) ?? undefined;
  }

  private callFilter(
    name: string,
    value: unknown,
    args: unknown[],
    kwargs: Kwargs,
    runtime: FilterRuntime,
  ) {
    if (Object.hasOwn(this.filters, name)) {
      const filter = this.filters[name]!;
      const extra = Object.keys(kwargs).length ? [{ __kwargs: true, ...kwargs }] : [];
      try {
        return filter(value, ...args, ...extra);
      } catch (error) {
        if (error instanceof TemplateRenderError) throw error;
        const message = error instanceof Error ? error.message : String(error);
        throw new TemplateRenderError(`filter '${name}' failed: ${message}`, "Exception");
      }
    }
    const builtin = Object.hasOwn(BUILTIN_FILTERS, name) ? BUILTIN_FILTERS[name] : undefined;
    if (!builtin)
      throw new TemplateRenderError(`No filter named '${name}' found.`, "TemplateRuntimeError");
    return builtin(value, args, kwargs, runtime);
  }
}

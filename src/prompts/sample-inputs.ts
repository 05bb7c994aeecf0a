/**
 * Sample inputs for a definition, read off its templates: what the parity measurement
 * (bench/template-parity.ts --definitions) renders every definition with, on evalgate and on
 * the gateway's environment alike.
 *
 *   strings        every variable the templates need, a distinct string
 *   loop-objects   as strings, but a variable a `for` iterates is a list of two items, each an
 *                  object with every attribute the loop body reads off the loop variable
 *                  (through nested loops, `set` aliases and included templates)
 *   with-history   loop-objects plus a two-message `history`
 *
 * A `placeholder:` role's input is a two-message list in every kind.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { refuseIncludeName } from "./include-loader.js";
import type { Expr, Stmt, TemplateAst } from "./jinja/ast.js";
import { JinjaEnvironment } from "./jinja/index.js";
import type { ResolvedDefinition } from "./prompt-registry.js";
import {
  expressionChildren,
  includedTemplateNames,
  targetNames,
  undeclaredTemplateVariables,
} from "./template-walk.js";

export const SAMPLE_INPUT_KINDS = ["strings", "loop-objects", "with-history"] as const;
export type SampleInputKind = (typeof SAMPLE_INPUT_KINDS)[number];

/** What the templates do with a value: which attributes they read, and its items' shape when iterated. */
class Shape {
  readonly attributes = new Map<string, Shape>();
  items: Shape | undefined;
  attribute(name: string): Shape {
    let shape = this.attributes.get(name);
    if (!shape) {
      shape = new Shape();
      this.attributes.set(name, shape);
    }
    return shape;
  }
}

/** Included templates are walked with the includer's names in scope; deeper nesting is rare. */
const MAX_INCLUDE_DEPTH = 10;

/** Filters that keep a sequence's items as they are (so a loop over `xs|sort` iterates xs's items). */
const ITEM_PRESERVING_FILTERS = new Set([
  "sort",
  "reverse",
  "list",
  "unique",
  "selectattr",
  "rejectattr",
  "select",
  "reject",
  "batch",
  "slice",
]);

/** The template sources of a definition: each role's string or strings (a `placeholder` is a name, not a template). */
export function definitionTemplates(resolved: ResolvedDefinition): string[] {
  const template = resolved.definition.prompt_template as Record<string, unknown>;
  return Object.entries(template).flatMap(([role, value]) => {
    if (role === "placeholder") return [];
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
    return [];
  });
}

function placeholderName(resolved: ResolvedDefinition): string | undefined {
  const value = (resolved.definition.prompt_template as Record<string, unknown>).placeholder;
  return typeof value === "string" ? value : undefined;
}

function includeLoader(root: string): (name: string) => string | undefined {
  return (name) => {
    if (refuseIncludeName(name) !== undefined) return undefined;
    try {
      return readFileSync(join(root, ...name.split("/")), "utf8");
    } catch {
      return undefined;
    }
  };
}

class ShapeReader {
  readonly roots = new Map<string, Shape>();
  constructor(
    private readonly parse: (name: string) => TemplateAst | undefined,
    private readonly required: Set<string>,
  ) {}

  /** The shape an expression evaluates to, when it is a path from a variable. */
  shapeOf(expr: Expr, names: Map<string, Shape>): Shape | undefined {
    switch (expr.kind) {
      case "name": {
        const bound = names.get(expr.name);
        if (bound) return bound;
        if (!this.required.has(expr.name)) return undefined;
        let root = this.roots.get(expr.name);
        if (!root) {
          root = new Shape();
          this.roots.set(expr.name, root);
        }
        return root;
      }
      case "getattr":
        return this.shapeOf(expr.object, names)?.attribute(expr.attr);
      case "getitem":
        if (expr.key.kind === "const" && typeof expr.key.value === "string")
          return this.shapeOf(expr.object, names)?.attribute(expr.key.value);
        return undefined;
      case "filter":
        if (expr.operand && ITEM_PRESERVING_FILTERS.has(expr.name))
          return this.shapeOf(expr.operand, names);
        return undefined;
      default:
        return undefined;
    }
  }

  private read(expr: Expr, names: Map<string, Shape>): void {
    if (expr.kind === "getattr" || expr.kind === "getitem") this.shapeOf(expr, names);
    for (const child of expressionChildren(expr)) this.read(child, names);
  }

  walk(stmts: readonly Stmt[], names: Map<string, Shape>, depth: number): void {
    for (const stmt of stmts) {
      switch (stmt.kind) {
        case "data":
          break;
        case "output":
          this.read(stmt.expr, names);
          break;
        case "if":
          for (const branch of stmt.branches) {
            this.read(branch.test, names);
            this.walk(branch.body, names, depth);
          }
          this.walk(stmt.otherwise, names, depth);
          break;
        case "for": {
          this.read(stmt.iterable, names);
          const iterated = this.shapeOf(stmt.iterable, names);
          const inner = new Map(names);
          if (iterated && stmt.target.kind === "name") {
            iterated.items ??= new Shape();
            inner.set(stmt.target.name, iterated.items);
          } else {
            for (const n of targetNames(stmt.target)) inner.delete(n);
          }
          if (stmt.filter) this.read(stmt.filter, inner);
          this.walk(stmt.body, inner, depth);
          this.walk(stmt.otherwise, names, depth);
          break;
        }
        case "set": {
          this.read(stmt.value, names);
          const aliased = stmt.target.kind === "name" ? this.shapeOf(stmt.value, names) : undefined;
          for (const n of targetNames(stmt.target)) names.delete(n);
          if (aliased && stmt.target.kind === "name") names.set(stmt.target.name, aliased);
          break;
        }
        case "with": {
          const inner = new Map(names);
          stmt.targets.forEach((target, i) => {
            const value = stmt.values[i];
            const aliased =
              value && target.kind === "name" ? this.shapeOf(value, names) : undefined;
            for (const n of targetNames(target)) inner.delete(n);
            if (aliased && target.kind === "name") inner.set(target.name, aliased);
          });
          for (const v of stmt.values) this.read(v, names);
          this.walk(stmt.body, inner, depth);
          break;
        }
        case "include": {
          if (!stmt.withContext || depth >= MAX_INCLUDE_DEPTH) break;
          const ast = { body: [stmt] };
          for (const name of includedTemplateNames(ast)) {
            const included = name === null ? undefined : this.parse(name);
            if (included) this.walk(included.body, new Map(names), depth + 1);
          }
          break;
        }
        case "setblock":
        case "filterblock":
          this.walk(stmt.body, names, depth);
          break;
        case "macro":
          this.walk(stmt.body, new Map(names), depth);
          break;
      }
    }
  }
}

function sampleValue(shape: Shape | undefined, path: string): unknown {
  if (shape?.items) {
    return [1, 2].map((n) => sampleValue(shape.items, `${path}[${n - 1}]`));
  }
  if (shape && shape.attributes.size > 0) {
    return Object.fromEntries(
      [...shape.attributes].map(([attr, inner]) => [attr, sampleValue(inner, `${path}.${attr}`)]),
    );
  }
  return `<${path} value>`;
}

const SAMPLE_HISTORY = [
  { role: "user", content: "<history: earlier user message>" },
  { role: "assistant", content: "<history: earlier assistant answer>" },
];

/**
 * Sample inputs for `resolved` (of a registry over `root`). Throws the engine's
 * TemplateSyntaxError when a template does not parse.
 */
export function sampleInputsFor(
  root: string,
  resolved: ResolvedDefinition,
  kind: SampleInputKind,
): Record<string, unknown> {
  const load = includeLoader(root);
  const env = new JinjaEnvironment({ loader: load });
  const parsedIncludes = new Map<string, TemplateAst | undefined>();
  const parseInclude = (name: string) => {
    if (!parsedIncludes.has(name)) {
      const source = load(name);
      let ast: TemplateAst | undefined;
      try {
        ast = source === undefined ? undefined : env.parse(source, name);
      } catch {
        ast = undefined; // a broken partial is reported by whoever renders it
      }
      parsedIncludes.set(name, ast);
    }
    return parsedIncludes.get(name);
  };
  const asts = definitionTemplates(resolved).map((source) => env.parse(source, resolved.file));
  // The gateway requires the undeclared names of each template and of its literal includes.
  const required = new Set<string>();
  for (const ast of asts) {
    for (const n of undeclaredTemplateVariables(ast)) required.add(n);
    for (const name of includedTemplateNames(ast)) {
      const included = name === null ? undefined : parseInclude(name);
      if (included) for (const n of undeclaredTemplateVariables(included)) required.add(n);
    }
  }
  const reader = new ShapeReader(parseInclude, required);
  if (kind !== "strings") for (const ast of asts) reader.walk(ast.body, new Map(), 0);
  const inputs: Record<string, unknown> = {};
  for (const name of [...required].sort()) {
    const shape = reader.roots.get(name);
    inputs[name] = shape?.items ? sampleValue(shape, name) : `<${name} value>`;
  }
  const placeholder = placeholderName(resolved);
  if (placeholder !== undefined) inputs[placeholder] = structuredClone(SAMPLE_HISTORY);
  if (kind === "with-history") inputs.history = structuredClone(SAMPLE_HISTORY);
  return inputs;
}

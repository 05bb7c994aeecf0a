/**
 * Walking a parsed template: the sub-expressions of a node, the names a template needs from
 * its caller (jinja2 `meta.find_undeclared_variables`) and the templates it includes
 * (`meta.find_referenced_templates`). Used to build sample inputs and to check a definitions
 * tree statically.
 *
 * The lead may replace the two meta functions with `undeclaredVariables` /
 * `referencedTemplates` from src/prompts/jinja/template-variables.ts once that lands; these
 * follow the same scoping rules.
 */
import type { Expr, Stmt, TemplateAst } from "./jinja/ast.js";

/** Direct sub-expressions of `expr`, in source order. */
export function expressionChildren(expr: Expr): Expr[] {
  const callParts = (e: {
    args: Expr[];
    kwargs: [string, Expr][];
    dynArgs?: Expr | undefined;
    dynKwargs?: Expr | undefined;
  }) => [
    ...e.args,
    ...e.kwargs.map(([, v]) => v),
    ...(e.dynArgs ? [e.dynArgs] : []),
    ...(e.dynKwargs ? [e.dynKwargs] : []),
  ];
  switch (expr.kind) {
    case "const":
    case "name":
    case "nsref":
      return [];
    case "getattr":
      return [expr.object];
    case "getitem":
      return [expr.object, expr.key];
    case "slice":
      return [expr.start, expr.stop, expr.step].filter((e): e is Expr => e !== undefined);
    case "list":
    case "tuple":
    case "concat":
      return expr.items;
    case "dict":
      return expr.pairs.flat();
    case "binary":
    case "and":
    case "or":
      return [expr.left, expr.right];
    case "unary":
    case "not":
      return [expr.operand];
    case "compare":
      return [expr.first, ...expr.ops.map((o) => o.operand)];
    case "condexpr":
      return [expr.test, expr.value, ...(expr.otherwise ? [expr.otherwise] : [])];
    case "filter":
      return [...(expr.operand ? [expr.operand] : []), ...callParts(expr)];
    case "test":
      return [expr.operand, ...callParts(expr)];
    case "call":
      return [expr.callee, ...callParts(expr)];
  }
}

/** Every expression node of the template (statements' own expressions and all nested ones). */
export function everyExpression(body: readonly Stmt[]): Expr[] {
  const found: Expr[] = [];
  const visit = (expr: Expr) => {
    found.push(expr);
    for (const child of expressionChildren(expr)) visit(child);
  };
  const walk = (stmts: readonly Stmt[]) => {
    for (const stmt of stmts) {
      for (const expr of statementExpressions(stmt)) visit(expr);
      for (const inner of statementBodies(stmt)) walk(inner);
    }
  };
  walk(body);
  return found;
}

function statementExpressions(stmt: Stmt): Expr[] {
  switch (stmt.kind) {
    case "data":
      return [];
    case "output":
      return [stmt.expr];
    case "if":
      return stmt.branches.map((b) => b.test);
    case "for":
      return [stmt.target, stmt.iterable, ...(stmt.filter ? [stmt.filter] : [])];
    case "set":
      return [stmt.target, stmt.value];
    case "setblock":
      return [stmt.target, ...(stmt.filter ? [stmt.filter] : [])];
    case "with":
      return [...stmt.targets, ...stmt.values];
    case "include":
      return [stmt.template];
    case "filterblock":
      return [stmt.filter];
    case "macro":
      return stmt.defaults;
  }
}

function statementBodies(stmt: Stmt): Stmt[][] {
  switch (stmt.kind) {
    case "if":
      return [...stmt.branches.map((b) => b.body), stmt.otherwise];
    case "for":
      return [stmt.body, stmt.otherwise];
    case "setblock":
    case "with":
    case "filterblock":
    case "macro":
      return [stmt.body];
    default:
      return [];
  }
}

/** Names an assignment target stores (`x`, `a, b`); a namespace attribute stores nothing. */
export function targetNames(target: Expr): string[] {
  if (target.kind === "name") return [target.name];
  if (target.kind === "tuple" || target.kind === "list") return target.items.flatMap(targetNames);
  return [];
}

/** The environment's globals: jinja2's meta never reports them. */
const TEMPLATE_GLOBALS = new Set(["range", "dict", "lipsum", "cycler", "joiner", "namespace"]);

class Scope {
  private readonly names = new Set<string>();
  constructor(
    private readonly parent?: Scope,
    private readonly assignsNothing = false,
  ) {}
  has(name: string): boolean {
    return this.names.has(name) || (this.parent?.has(name) ?? false);
  }
  declare(names: Iterable<string>): void {
    if (this.assignsNothing) return;
    for (const n of names) this.names.add(n);
  }
  /** A new frame (for, with, macro): its assignments stay inside it. */
  child(): Scope {
    return new Scope(this);
  }
  /** An `if` branch: same frame, but its assignments do not declare anything. */
  conditional(): Scope {
    return new Scope(this, true);
  }
}

/**
 * jinja2 `meta.find_undeclared_variables`: names read before the template assigns them, in
 * any scope, the environment's globals (range, namespace, …) excepted.
 */
export function undeclaredTemplateVariables(ast: TemplateAst): Set<string> {
  const undeclared = new Set<string>();
  const load = (expr: Expr, scope: Scope) => {
    if (expr.kind === "name") {
      if (!scope.has(expr.name) && !TEMPLATE_GLOBALS.has(expr.name)) undeclared.add(expr.name);
      return;
    }
    if (expr.kind === "nsref") {
      if (!scope.has(expr.name)) undeclared.add(expr.name);
      return;
    }
    for (const child of expressionChildren(expr)) load(child, scope);
  };
  const loadTarget = (target: Expr, scope: Scope) => {
    if (target.kind === "nsref" && !scope.has(target.name)) undeclared.add(target.name);
  };
  const walk = (stmts: readonly Stmt[], scope: Scope) => {
    for (const stmt of stmts) {
      switch (stmt.kind) {
        case "data":
          break;
        case "output":
          load(stmt.expr, scope);
          break;
        case "if":
          // jinja2 resolves a name assigned inside an `if` from the context, in the branch
          // and after it, unless the frame assigned it before the `if`.
          for (const branch of stmt.branches) {
            load(branch.test, scope);
            walk(branch.body, scope.conditional());
          }
          walk(stmt.otherwise, scope.conditional());
          break;
        case "for": {
          load(stmt.iterable, scope);
          const inner = scope.child();
          inner.declare([...targetNames(stmt.target), "loop"]);
          if (stmt.filter) load(stmt.filter, inner);
          walk(stmt.body, inner);
          walk(stmt.otherwise, scope.child());
          break;
        }
        case "set":
          load(stmt.value, scope);
          loadTarget(stmt.target, scope);
          scope.declare(targetNames(stmt.target));
          break;
        case "setblock": {
          walk(stmt.body, scope.child());
          if (stmt.filter) load(stmt.filter, scope);
          loadTarget(stmt.target, scope);
          scope.declare(targetNames(stmt.target));
          break;
        }
        case "with": {
          const inner = scope.child();
          for (const v of stmt.values) load(v, scope);
          inner.declare(stmt.targets.flatMap(targetNames));
          walk(stmt.body, inner);
          break;
        }
        case "include":
          load(stmt.template, scope);
          break;
        case "filterblock":
          load(stmt.filter, scope);
          walk(stmt.body, scope.child());
          break;
        case "macro": {
          for (const d of stmt.defaults) load(d, scope);
          scope.declare([stmt.name]);
          const inner = scope.child();
          inner.declare([...stmt.params, stmt.name, "varargs", "kwargs", "caller"]);
          walk(stmt.body, inner);
          break;
        }
      }
    }
  };
  walk(ast.body, new Scope());
  return undeclared;
}

/** jinja2 `meta.find_referenced_templates`: literal include names, `null` for a computed one. */
export function includedTemplateNames(ast: TemplateAst): (string | null)[] {
  const names: (string | null)[] = [];
  const visit = (stmts: readonly Stmt[]) => {
    for (const stmt of stmts) {
      if (stmt.kind === "include") {
        const t = stmt.template;
        if (t.kind === "const" && typeof t.value === "string") names.push(t.value);
        else if ((t.kind === "list" || t.kind === "tuple") && t.items.length > 0) {
          for (const item of t.items) {
            names.push(item.kind === "const" && typeof item.value === "string" ? item.value : null);
          }
        } else names.push(null);
      }
      for (const inner of statementBodies(stmt)) visit(inner);
    }
  };
  visit(ast.body);
  return names;
}

/** The literal text a computed include name starts with (`'a/' ~ x` → `a/`), else "". */
function literalPrefix(expr: Expr): string {
  if (expr.kind === "const") return typeof expr.value === "string" ? expr.value : "";
  if (expr.kind === "concat" && expr.items[0]) return literalPrefix(expr.items[0]);
  if (expr.kind === "binary" && expr.op === "+") return literalPrefix(expr.left);
  return "";
}

/**
 * For each include whose name is computed at render time (the `null`s of
 * `includedTemplateNames`), the literal start of that name: the folder it can load from.
 */
export function computedIncludePrefixes(ast: TemplateAst): string[] {
  const prefixes: string[] = [];
  const visit = (stmts: readonly Stmt[]) => {
    for (const stmt of stmts) {
      if (stmt.kind === "include") {
        const t = stmt.template;
        const items = t.kind === "list" || t.kind === "tuple" ? t.items : [t];
        for (const item of items) {
          if (!(item.kind === "const" && typeof item.value === "string")) {
            prefixes.push(literalPrefix(item));
          }
        }
      }
      for (const inner of statementBodies(stmt)) visit(inner);
    }
  };
  visit(ast.body);
  return prefixes;
}

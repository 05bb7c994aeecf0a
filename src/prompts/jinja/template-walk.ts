/**
 * Walking a template's syntax tree: the expressions each statement holds, the bodies nested
 * in it, and two `jinja2.meta`-style queries (`referencedTemplates`, `firstReadLines`).
 */
import type { Expr, Stmt, TemplateAst } from "./ast.js";

/** The expressions a statement holds itself (not those of its bodies). */
export function ownExpressions(stmt: Stmt): (Expr | undefined)[] {
  switch (stmt.kind) {
    case "data":
      return [];
    case "macro":
      return stmt.defaults;
    case "output":
      return [stmt.expr];
    case "if":
      return stmt.branches.map((b) => b.test);
    case "for":
      return [stmt.target, stmt.iterable, stmt.filter];
    case "set":
      return [stmt.target, stmt.value];
    case "setblock":
      return [stmt.target, stmt.filter];
    case "with":
      return [...stmt.targets, ...stmt.values];
    case "include":
      return [stmt.template];
    case "filterblock":
      return [stmt.filter];
  }
}

export function childBodies(stmt: Stmt): (readonly Stmt[])[] {
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

function includeNames(template: Expr): (string | null)[] {
  if (template.kind === "const")
    return [typeof template.value === "string" ? template.value : null];
  if (template.kind === "list" || template.kind === "tuple") {
    return template.items.flatMap((item) => {
      if (item.kind !== "const") return [null];
      return typeof item.value === "string" ? [item.value] : [];
    });
  }
  return [null];
}

/**
 * The templates `{% include %}` names, in document order (`meta.find_referenced_templates`):
 * a literal name as itself, `null` for one computed at render time.
 */
export function referencedTemplates(ast: TemplateAst): (string | null)[] {
  const found: (string | null)[] = [];
  const walk = (stmts: readonly Stmt[]): void => {
    for (const stmt of stmts) {
      if (stmt.kind === "include") found.push(...includeNames(stmt.template));
      for (const body of childBodies(stmt)) walk(body);
    }
  };
  walk(ast.body);
  return found;
}

export function subExpressions(expr: Expr): (Expr | null | undefined)[] {
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
      return [expr.start, expr.stop, expr.step];
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
      return [expr.test, expr.value, expr.otherwise];
    case "filter":
    case "test":
    case "call":
      return [
        expr.kind === "call" ? expr.callee : expr.operand,
        ...expr.args,
        ...expr.kwargs.map(([, v]) => v),
        expr.dynArgs,
        expr.dynKwargs,
      ];
  }
}

/** The first template line reading each name, for messages that point at the use. */
export function firstReadLines(ast: TemplateAst): Map<string, number> {
  const lines = new Map<string, number>();
  const visit = (expr: Expr | null | undefined): void => {
    if (!expr) return;
    if ((expr.kind === "name" || expr.kind === "nsref") && !lines.has(expr.name)) {
      lines.set(expr.name, expr.line);
    }
    for (const sub of subExpressions(expr)) visit(sub);
  };
  const walk = (stmts: readonly Stmt[]): void => {
    for (const stmt of stmts) {
      for (const expr of ownExpressions(stmt)) visit(expr);
      for (const body of childBodies(stmt)) walk(body);
    }
  };
  walk(ast.body);
  return lines;
}

/**
 * Queries over a parsed template for building sample inputs and checking a definitions tree
 * statically. The walk itself (a statement's expressions, its nested bodies, an expression's
 * parts) and the two `jinja2.meta` queries are the engine's own (src/prompts/jinja); this
 * adds what only the prompts layer asks.
 */
import type { Expr, Stmt, TemplateAst } from "./jinja/ast.js";
import { childBodies, ownExpressions, subExpressions } from "./jinja/template-walk.js";

export {
  /** jinja2 `meta.find_referenced_templates`: literal include names, `null` for a computed one. */
  referencedTemplates as includedTemplateNames,
  /** jinja2 `meta.find_undeclared_variables`. */
  undeclaredVariables as undeclaredTemplateVariables,
} from "./jinja/index.js";

/** Direct sub-expressions of `expr`, in source order. */
export function expressionChildren(expr: Expr): Expr[] {
  return subExpressions(expr).filter((e): e is Expr => e != null);
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
      for (const expr of ownExpressions(stmt)) if (expr) visit(expr);
      for (const inner of childBodies(stmt)) walk(inner);
    }
  };
  walk(body);
  return found;
}

/** Names an assignment target stores (`x`, `a, b`); a namespace attribute stores nothing. */
export function targetNames(target: Expr): string[] {
  if (target.kind === "name") return [target.name];
  if (target.kind === "tuple" || target.kind === "list") return target.items.flatMap(targetNames);
  return [];
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
      for (const inner of childBodies(stmt)) visit(inner);
    }
  };
  visit(ast.body);
  return prefixes;
}

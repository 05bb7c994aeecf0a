/**
 * What can be known about a parsed template without rendering it: the gateway refusals visible
 * in its text (calls, `*` and `**`), and the unknown filters and tests Jinja2 already rejects
 * when it compiles a template.
 */
import type { CallArguments, Expr, Stmt, TemplateAst } from "./ast.js";
import type { SecurityRule } from "./template-errors.js";

export interface SandboxViolation {
  rule: SecurityRule;
  line: number;
  detail: string;
}

/** Visits every expression of the template; `soft` is true inside `if` and inline if, as Jinja2's compiler frames are. */
type ExprVisitor = (expr: Expr, soft: boolean) => void;

function visitArguments(call: CallArguments, soft: boolean, visit: ExprVisitor): void {
  for (const arg of call.args) visitExpr(arg, soft, visit);
  for (const [, value] of call.kwargs) visitExpr(value, soft, visit);
  if (call.dynArgs) visitExpr(call.dynArgs, soft, visit);
  if (call.dynKwargs) visitExpr(call.dynKwargs, soft, visit);
}

function visitExpr(expr: Expr | null | undefined, soft: boolean, visit: ExprVisitor): void {
  if (!expr) return;
  visit(expr, soft);
  switch (expr.kind) {
    case "const":
    case "name":
    case "nsref":
      return;
    case "getattr":
      visitExpr(expr.object, soft, visit);
      return;
    case "getitem":
      visitExpr(expr.object, soft, visit);
      visitExpr(expr.key, soft, visit);
      return;
    case "slice":
      for (const part of [expr.start, expr.stop, expr.step]) visitExpr(part, soft, visit);
      return;
    case "list":
    case "tuple":
    case "concat":
      for (const item of expr.items) visitExpr(item, soft, visit);
      return;
    case "dict":
      for (const [key, value] of expr.pairs) {
        visitExpr(key, soft, visit);
        visitExpr(value, soft, visit);
      }
      return;
    case "binary":
    case "and":
    case "or":
      visitExpr(expr.left, soft, visit);
      visitExpr(expr.right, soft, visit);
      return;
    case "unary":
    case "not":
      visitExpr(expr.operand, soft, visit);
      return;
    case "compare":
      visitExpr(expr.first, soft, visit);
      for (const { operand } of expr.ops) visitExpr(operand, soft, visit);
      return;
    case "condexpr":
      for (const part of [expr.value, expr.test, expr.otherwise]) visitExpr(part, true, visit);
      return;
    case "filter":
    case "test":
      visitExpr(expr.operand, soft, visit);
      visitArguments(expr, soft, visit);
      return;
    case "call":
      visitExpr(expr.callee, soft, visit);
      visitArguments(expr, soft, visit);
      return;
  }
}

/** Loop, `with`, macro and block bodies get a fresh (not soft) frame in Jinja2's compiler. */
function visitBody(body: Stmt[], soft: boolean, visit: ExprVisitor): void {
  for (const stmt of body) {
    switch (stmt.kind) {
      case "data":
        break;
      case "output":
        visitExpr(stmt.expr, soft, visit);
        break;
      case "if":
        for (const branch of stmt.branches) {
          visitExpr(branch.test, true, visit);
          visitBody(branch.body, true, visit);
        }
        visitBody(stmt.otherwise, true, visit);
        break;
      case "for":
        visitExpr(stmt.iterable, soft, visit);
        visitExpr(stmt.filter, false, visit);
        visitBody(stmt.body, false, visit);
        visitBody(stmt.otherwise, false, visit);
        break;
      case "set":
        visitExpr(stmt.value, soft, visit);
        break;
      case "setblock":
        visitBody(stmt.body, false, visit);
        visitExpr(stmt.filter, false, visit);
        break;
      case "with":
        for (const value of stmt.values) visitExpr(value, soft, visit);
        visitBody(stmt.body, false, visit);
        break;
      case "include":
        visitExpr(stmt.template, soft, visit);
        break;
      case "filterblock":
        visitExpr(stmt.filter, false, visit);
        visitBody(stmt.body, false, visit);
        break;
      case "macro":
        for (const value of stmt.defaults) visitExpr(value, false, visit);
        visitBody(stmt.body, false, visit);
        break;
    }
  }
}

function calleeText(callee: Expr): string {
  if (callee.kind === "name") return callee.name;
  if (callee.kind === "getattr") {
    const owner = calleeText(callee.object);
    return owner ? `${owner}.${callee.attr}` : "";
  }
  return "";
}

/**
 * The gateway refusals visible in the template itself: every call and every `*` / `**`, in
 * source order with their lines. A refusal inside a branch that never runs is listed too: it is
 * still a template the gateway would refuse for some inputs.
 */
export function staticSandboxViolations(ast: TemplateAst): SandboxViolation[] {
  const found: SandboxViolation[] = [];
  visitBody(ast.body, false, (expr) => {
    if (expr.kind === "call") {
      const name = calleeText(expr.callee);
      found.push({
        rule: "call",
        line: expr.line,
        detail: name ? `call of ${name}()` : "a call",
      });
    } else if (expr.kind === "binary" && (expr.op === "*" || expr.op === "**")) {
      found.push({ rule: "multiplication", line: expr.line, detail: `'${expr.op}' operator` });
    }
  });
  return found;
}

/**
 * Jinja2 refuses a filter or test it does not know when it compiles the template, unless the
 * use sits inside an `if` or an inline if (then it fails only if it runs). The first such use.
 */
export function unknownFilterOrTest(
  ast: TemplateAst,
  known: { hasFilter(name: string): boolean; hasTest(name: string): boolean },
): { line: number; message: string } | undefined {
  let first: { line: number; message: string } | undefined;
  visitBody(ast.body, false, (expr, soft) => {
    if (first || soft) return;
    if (expr.kind === "filter" && !known.hasFilter(expr.name)) {
      first = { line: expr.line, message: `No filter named '${expr.name}'.` };
    } else if (expr.kind === "test" && !known.hasTest(expr.name)) {
      first = { line: expr.line, message: `No test named '${expr.name}'.` };
    }
  });
  return first;
}

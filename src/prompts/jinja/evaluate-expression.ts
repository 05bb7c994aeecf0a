/** Evaluates expression nodes with Python semantics. */
import type { CallArguments, CompareOperator, Expr } from "./ast.js";
import { callValue, getAttribute, getItem, sliceItem } from "./attribute-access.js";
import type { Kwargs } from "./python-methods.js";
import {
  binaryOperation,
  negate,
  pyCompare,
  pyContains,
  pyEquals,
  pyIterate,
  typeError,
} from "./python-operators.js";
import {
  dictKey,
  isMapping,
  lenientUndefined,
  makeTuple,
  mappingEntries,
  pyStr,
  pyTruthy,
  typeName,
} from "./python-values.js";
import { type Frame, lookupName, type RenderState } from "./render-state.js";
import { isGatewaySandbox } from "./sandbox-policy.js";
import { TemplateSecurityError } from "./template-errors.js";

/** Python's `str * n` / `list * n` would build this many items: charge them before building. */
function repeatSize(a: unknown, b: unknown): number {
  const size = (v: unknown) => (typeof v === "string" || Array.isArray(v) ? v.length : -1);
  const count = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? v : -1);
  if (size(a) >= 0 && count(b) > 0) return size(a) * count(b);
  if (size(b) >= 0 && count(a) > 0) return size(b) * count(a);
  return 0;
}

function evaluateBinary(expr: Extract<Expr, { kind: "binary" }>, frame: Frame, state: RenderState) {
  const left = evaluate(expr.left, frame, state);
  const right = evaluate(expr.right, frame, state);
  if (expr.op === "*" || expr.op === "**") {
    // The gateway intercepts these operators whatever the operands (call_binop).
    if (isGatewaySandbox()) {
      throw new TemplateSecurityError(
        "Multiplication operators are not allowed in prompt templates",
        "multiplication",
      );
    }
    if (expr.op === "*") state.budget.spend(repeatSize(left, right));
  }
  const result = binaryOperation(expr.op, left, right);
  if (typeof result === "string" || Array.isArray(result)) state.budget.spend(result.length);
  return result;
}

function compare(op: CompareOperator, left: unknown, right: unknown): boolean {
  switch (op) {
    case "==":
      return pyEquals(left, right);
    case "!=":
      return !pyEquals(left, right);
    case "<":
      return pyCompare(left, right, op) < 0;
    case "<=":
      return pyCompare(left, right, op) <= 0;
    case ">":
      return pyCompare(left, right, op) > 0;
    case ">=":
      return pyCompare(left, right, op) >= 0;
    case "in":
      return pyContains(right, left);
    case "notin":
      return !pyContains(right, left);
  }
}

function hashable(key: unknown): unknown {
  if (Array.isArray(key) || isMapping(key)) throw typeError(`unhashable type: '${typeName(key)}'`);
  return dictKey(key);
}

const NO_ARGUMENTS: { args: unknown[]; kwargs: Kwargs } = Object.freeze({
  args: Object.freeze([]) as unknown as unknown[],
  kwargs: Object.freeze({}) as Kwargs,
});

export function evaluateArguments(
  call: CallArguments,
  frame: Frame,
  state: RenderState,
): { args: unknown[]; kwargs: Kwargs } {
  if (call.args.length === 0 && call.kwargs.length === 0 && !call.dynArgs && !call.dynKwargs) {
    return NO_ARGUMENTS;
  }
  const args = call.args.map((arg) => evaluate(arg, frame, state));
  if (call.dynArgs) args.push(...pyIterate(evaluate(call.dynArgs, frame, state)));
  const kwargs: Kwargs = {};
  for (const [name, expr] of call.kwargs) kwargs[name] = evaluate(expr, frame, state);
  if (call.dynKwargs) {
    const extra = evaluate(call.dynKwargs, frame, state);
    if (!isMapping(extra)) throw typeError("argument after ** must be a mapping");
    for (const [k, v] of mappingEntries(extra)) kwargs[String(k)] = v;
  }
  return { args, kwargs };
}

/**
 * `blockInput` is the rendered body of `{% filter %}` / `{% set x | f %}` blocks: their filter
 * chain starts from a node without an operand.
 */
export function evaluate(
  expr: Expr,
  frame: Frame,
  state: RenderState,
  blockInput?: string,
): unknown {
  switch (expr.kind) {
    case "const":
      return expr.value;
    case "name":
      return lookupName(expr.name, frame, state);
    case "nsref":
      return getAttribute(lookupName(expr.name, frame, state), expr.attr);
    case "getattr":
      return getAttribute(evaluate(expr.object, frame, state), expr.attr);
    case "getitem": {
      const owner = evaluate(expr.object, frame, state);
      if (expr.key.kind === "slice") {
        const part = (e: Expr | undefined) => (e ? evaluate(e, frame, state) : null);
        return sliceItem(owner, part(expr.key.start), part(expr.key.stop), part(expr.key.step));
      }
      return getItem(owner, evaluate(expr.key, frame, state));
    }
    case "slice":
      throw typeError("slice used outside a subscript");
    case "list":
      return expr.items.map((item) => evaluate(item, frame, state));
    case "tuple":
      return makeTuple(expr.items.map((item) => evaluate(item, frame, state)));
    case "dict": {
      const map = new Map<unknown, unknown>();
      for (const [k, v] of expr.pairs) {
        const key = hashable(evaluate(k, frame, state));
        map.set(key, evaluate(v, frame, state));
      }
      return map;
    }
    case "binary":
      return evaluateBinary(expr, frame, state);
    case "unary":
      return negate(evaluate(expr.operand, frame, state), expr.op);
    case "not":
      return !pyTruthy(evaluate(expr.operand, frame, state));
    case "and": {
      const left = evaluate(expr.left, frame, state);
      return pyTruthy(left) ? evaluate(expr.right, frame, state) : left;
    }
    case "or": {
      const left = evaluate(expr.left, frame, state);
      return pyTruthy(left) ? left : evaluate(expr.right, frame, state);
    }
    case "concat": {
      const text = expr.items.map((item) => pyStr(evaluate(item, frame, state))).join("");
      state.budget.spend(text.length);
      return text;
    }
    case "compare": {
      let left = evaluate(expr.first, frame, state);
      for (const { op, operand } of expr.ops) {
        const right = evaluate(operand, frame, state);
        if (!compare(op, left, right)) return false;
        left = right;
      }
      return true;
    }
    case "condexpr":
      if (pyTruthy(evaluate(expr.test, frame, state))) return evaluate(expr.value, frame, state);
      if (expr.otherwise) return evaluate(expr.otherwise, frame, state);
      // Jinja2 uses the lenient Undefined here even under StrictUndefined: it prints as ''.
      return lenientUndefined(
        `the inline if-expression on line ${expr.line} evaluated to false and no else section was defined.`,
      );
    case "filter": {
      const value =
        expr.operand === null ? blockInput : evaluate(expr.operand, frame, state, blockInput);
      const { args, kwargs } = evaluateArguments(expr, frame, state);
      return state.runtime.callFilter(expr.name, value, args, kwargs);
    }
    case "test": {
      const value = evaluate(expr.operand, frame, state);
      const { args, kwargs } = evaluateArguments(expr, frame, state);
      return state.runtime.callTest(expr.name, value, args, kwargs);
    }
    case "call": {
      const callee = evaluate(expr.callee, frame, state);
      const { args, kwargs } = evaluateArguments(expr, frame, state);
      return callValue(callee, args, kwargs);
    }
  }
}

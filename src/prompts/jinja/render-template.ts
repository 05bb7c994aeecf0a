/** Renders statements: output, if/for/with/set, includes, filter blocks and macros. */
import type { Expr, Stmt, TemplateAst } from "./ast.js";
import { evaluate } from "./evaluate-expression.js";
import { LoopContext } from "./loop-context.js";
import { PyFunction } from "./python-methods.js";
import { pyList } from "./python-operators.js";
import { isTuple, Namespace, pyStr, pyTruthy, Undefined } from "./python-values.js";
import { Frame, lookupName, type RenderState } from "./render-state.js";
import { TemplateRenderError } from "./template-errors.js";

/** Python would hit its recursion limit; a self-including template must fail, not hang. */
const MAX_INCLUDE_DEPTH = 64;

export function renderTemplate(ast: TemplateAst, state: RenderState, frame = new Frame()): string {
  const out: string[] = [];
  renderBody(ast.body, frame, state, out);
  return out.join("");
}

function renderBody(body: Stmt[], frame: Frame, state: RenderState, out: string[]): void {
  for (const stmt of body) {
    try {
      renderStatement(stmt, frame, state, out);
    } catch (error) {
      throw locate(error, state.templateName, stmt.line);
    }
  }
}

function locate(error: unknown, templateName: string, line: number): unknown {
  if (error instanceof TemplateRenderError) return error.locate(templateName, line);
  if (error instanceof RangeError) {
    return new TemplateRenderError(
      `template too deeply nested: ${error.message}`,
      "RecursionError",
    ).locate(templateName, line);
  }
  return error;
}

function renderStatement(stmt: Stmt, frame: Frame, state: RenderState, out: string[]): void {
  switch (stmt.kind) {
    case "data":
      state.budget.spend(stmt.text.length);
      out.push(stmt.text);
      return;
    case "output": {
      const text = pyStr(evaluate(stmt.expr, frame, state));
      state.budget.spend(text.length);
      out.push(text);
      return;
    }
    case "if": {
      for (const branch of stmt.branches) {
        if (pyTruthy(evaluate(branch.test, frame, state))) {
          renderBody(branch.body, frame, state, out);
          return;
        }
      }
      renderBody(stmt.otherwise, frame, state, out);
      return;
    }
    case "for":
      renderFor(stmt, frame, state, out);
      return;
    case "set":
      assign(stmt.target, evaluate(stmt.value, frame, state), frame, state);
      return;
    case "setblock": {
      const inner: string[] = [];
      renderBody(stmt.body, frame, state, inner);
      const text = inner.join("");
      const value = stmt.filter ? evaluate(stmt.filter, frame, state, text) : text;
      assign(stmt.target, value, frame, state);
      return;
    }
    case "with": {
      const values = stmt.values.map((value) => evaluate(value, frame, state));
      const scope = new Frame(frame);
      for (const [i, target] of stmt.targets.entries()) assign(target, values[i], scope, state);
      renderBody(stmt.body, scope, state, out);
      return;
    }
    case "filterblock": {
      const inner: string[] = [];
      renderBody(stmt.body, new Frame(frame), state, inner);
      out.push(pyStr(evaluate(stmt.filter, frame, state, inner.join(""))));
      return;
    }
    case "include":
      renderInclude(stmt, frame, state, out);
      return;
    case "macro":
      frame.vars.set(stmt.name, defineMacro(stmt, frame, state));
      return;
  }
}

function renderFor(
  stmt: Extract<Stmt, { kind: "for" }>,
  frame: Frame,
  state: RenderState,
  out: string[],
) {
  let items = pyList(evaluate(stmt.iterable, frame, state));
  if (stmt.filter) {
    const filter = stmt.filter;
    items = items.filter((item) => {
      state.budget.spend(1);
      const scope = new Frame(frame);
      assign(stmt.target, item, scope, state);
      return pyTruthy(evaluate(filter, scope, state));
    });
  }
  if (items.length === 0) {
    renderBody(stmt.otherwise, new Frame(frame), state, out);
    return;
  }
  // `loop.depth` only grows in recursive loops, which evalgate does not support: always 1.
  const loop = new LoopContext(items, 0);
  for (let i = 0; i < items.length; i++) {
    // A fresh scope per iteration: Jinja2 does not carry `{% set %}` from one iteration to the next.
    state.budget.spend(1);
    const scope = new Frame(frame);
    loop.index0 = i;
    scope.loop = loop;
    assign(stmt.target, items[i], scope, state);
    renderBody(stmt.body, scope, state, out);
  }
}

function assign(target: Expr, value: unknown, frame: Frame, state: RenderState): void {
  if (target.kind === "name") {
    frame.vars.set(target.name, value);
    return;
  }
  if (target.kind === "nsref") {
    const ns = lookupName(target.name, frame, state);
    if (!(ns instanceof Namespace)) {
      throw new TemplateRenderError("cannot assign attribute on non-namespace object");
    }
    ns.attrs.set(target.attr, value);
    return;
  }
  if (target.kind === "tuple") {
    const items = pyList(value);
    const expected = target.items.length;
    if (items.length < expected) {
      throw new TemplateRenderError(
        `not enough values to unpack (expected ${expected}, got ${items.length})`,
        "ValueError",
      );
    }
    if (items.length > expected) {
      throw new TemplateRenderError(
        `too many values to unpack (expected ${expected})`,
        "ValueError",
      );
    }
    for (const [i, item] of target.items.entries()) assign(item, items[i], frame, state);
    return;
  }
  throw new TemplateRenderError(`can't assign to ${target.kind}`);
}

function renderInclude(
  stmt: Extract<Stmt, { kind: "include" }>,
  frame: Frame,
  state: RenderState,
  out: string[],
): void {
  const requested = evaluate(stmt.template, frame, state);
  const candidates = Array.isArray(requested) ? requested : [requested];
  for (const candidate of candidates) {
    if (candidate instanceof Undefined) candidate.fail();
    if (typeof candidate !== "string") continue;
    const ast = state.runtime.loadTemplate(candidate);
    if (!ast) continue;
    if (state.includeDepth >= MAX_INCLUDE_DEPTH) {
      throw new TemplateRenderError(
        `includes nested deeper than ${MAX_INCLUDE_DEPTH} levels`,
        "RecursionError",
      );
    }
    const scope = new Frame();
    if (stmt.withContext) for (const [k, v] of frame.flatten()) scope.vars.set(k, v);
    const included: RenderState = {
      runtime: state.runtime,
      templateName: candidate,
      context: stmt.withContext ? state.context : {},
      includeDepth: state.includeDepth + 1,
      budget: state.budget,
    };
    out.push(renderTemplate(ast, included, scope));
    return;
  }
  if (stmt.ignoreMissing) return;
  const names = candidates.map((c) => pyStr(c));
  const what =
    isTuple(requested) || Array.isArray(requested)
      ? `none of the templates ${names.join(", ")}`
      : `template '${names[0]}'`;
  throw new TemplateRenderError(
    `${what} not found (include paths are relative to the definitions root)`,
    "TemplateNotFound",
  );
}

function defineMacro(
  stmt: Extract<Stmt, { kind: "macro" }>,
  frame: Frame,
  state: RenderState,
): PyFunction {
  const firstDefault = stmt.params.length - stmt.defaults.length;
  const call = (args: unknown[], kwargs: Record<string, unknown>) => {
    if (args.length > stmt.params.length) {
      throw new TemplateRenderError(
        `macro '${stmt.name}' takes not more than ${stmt.params.length} argument(s)`,
        "TypeError",
      );
    }
    const scope = new Frame(frame);
    stmt.params.forEach((param, i) => {
      let value: unknown;
      if (i < args.length) value = args[i];
      else if (Object.hasOwn(kwargs, param)) value = kwargs[param];
      else if (i >= firstDefault) value = evaluate(stmt.defaults[i - firstDefault]!, scope, state);
      else value = new Undefined(param, { hint: `parameter '${param}' was not provided` });
      scope.vars.set(param, value);
    });
    const inner: string[] = [];
    renderBody(stmt.body, scope, state, inner);
    return inner.join("");
  };
  return new PyFunction(stmt.name, call, undefined, `<Macro '${stmt.name}'>`);
}

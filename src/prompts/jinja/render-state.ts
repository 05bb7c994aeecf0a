/** Variable scopes and per-render state shared by the statement renderer and the expression evaluator. */
import type { TemplateAst } from "./ast.js";
import type { FilterRuntime } from "./builtin-filters.js";
import type { LoopContext } from "./loop-context.js";
import { Undefined } from "./python-values.js";
import { RenderBudgetError } from "./template-errors.js";
import { TEMPLATE_GLOBALS } from "./template-globals.js";

/**
 * What one render may spend: a loop iteration costs 1, output and built strings cost their
 * length. Shared by a template and everything it includes.
 */
export class RenderBudget {
  private left: number;
  constructor(readonly limit: number) {
    this.left = limit;
  }
  spend(cost: number): void {
    this.left -= cost;
    if (this.left < 0) throw new RenderBudgetError(this.limit);
  }
}

/**
 * One scope. Jinja2 gives `for` iterations, `with` blocks and macro calls their own scope and
 * lets `if` share its parent's, so `{% set %}` inside a loop never leaks out of it.
 */
export class Frame {
  /** Created on first assignment: most loop iterations assign only their target. */
  private values: Map<string, unknown> | undefined;
  loop: LoopContext | undefined;
  constructor(readonly parent?: Frame) {}

  get vars(): Map<string, unknown> {
    this.values ??= new Map();
    return this.values;
  }

  has(name: string): boolean {
    return this.values?.has(name) === true;
  }

  get(name: string): unknown {
    return this.values?.get(name);
  }

  /** Variables an `{% include %}` passes on: every assigned name in scope, but not `loop`. */
  flatten(): Map<string, unknown> {
    const chain: Frame[] = [];
    for (let f: Frame | undefined = this; f; f = f.parent) chain.unshift(f);
    const out = new Map<string, unknown>();
    for (const f of chain) for (const [k, v] of f.vars) out.set(k, v);
    return out;
  }
}

export interface RenderRuntime extends FilterRuntime {
  /** Parsed template for `{% include name %}`, or undefined when the loader has none. */
  loadTemplate(name: string): TemplateAst | undefined;
}

export interface RenderState {
  readonly runtime: RenderRuntime;
  readonly templateName: string;
  readonly context: Record<string, unknown>;
  readonly includeDepth: number;
  readonly budget: RenderBudget;
}

export function lookupName(name: string, frame: Frame, state: RenderState): unknown {
  for (let f: Frame | undefined = frame; f; f = f.parent) {
    if (name === "loop" && f.loop) return f.loop;
    if (f.has(name)) return f.get(name);
  }
  const context = state.context;
  if (Object.hasOwn(context, name) && context[name] !== undefined) return context[name];
  if (Object.hasOwn(TEMPLATE_GLOBALS, name)) return TEMPLATE_GLOBALS[name];
  return new Undefined(name);
}

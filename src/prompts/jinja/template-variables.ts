/**
 * What a template needs from its caller, computed the way `jinja2.meta` does it, because the
 * gateway's LangChain prompt refuses to render unless every such variable is in the inputs.
 *
 * `undeclaredVariables` mirrors `meta.find_undeclared_variables` (Jinja2 3.1 idtracking): each
 * frame (the template, a loop body, a loop's `else` and `if` filter, `with`, `filter` and `set`
 * blocks, macros) is analysed completely before the frames nested in it, so a nested frame sees
 * every name its parent stores anywhere, while inside one frame a name read before its `set` is
 * undeclared. A name set in only some branches of an `if` (and a `set` inside `if` always
 * counts as "some") is undeclared unless an enclosing frame stores it. Jinja2's globals
 * (`range`, `dict`, …) never are.
 */
import type { Expr, Stmt, TemplateAst } from "./ast.js";
import { childBodies, ownExpressions, subExpressions } from "./template-walk.js";

/** Jinja2's default `Environment.globals`: resolved without the caller's inputs. */
const JINJA_GLOBALS: ReadonlySet<string> = new Set([
  "range",
  "dict",
  "lipsum",
  "cycler",
  "joiner",
  "namespace",
]);

/** Names Jinja2 declares as macro parameters when the macro body reads them. */
const MACRO_SPECIAL_PARAMS = ["caller", "kwargs", "varargs"] as const;

type LoadAction = "resolve" | "local";

/** One frame's symbol table (Jinja2's `idtracking.Symbols`), keyed by name. */
class FrameSymbols {
  readonly refs: Set<string>;
  readonly loads: Map<string, LoadAction>;
  readonly stores: Set<string>;

  constructor(
    readonly parent: FrameSymbols | undefined,
    from?: FrameSymbols,
  ) {
    this.refs = new Set(from?.refs);
    this.loads = new Map(from?.loads);
    this.stores = new Set(from?.stores);
  }

  copy(): FrameSymbols {
    return new FrameSymbols(this.parent, this);
  }

  findRef(name: string): boolean {
    return this.refs.has(name) || (this.parent?.findRef(name) ?? false);
  }

  load(name: string): void {
    if (this.findRef(name)) return;
    this.refs.add(name);
    this.loads.set(name, "resolve");
  }

  store(name: string): void {
    this.stores.add(name);
    if (this.refs.has(name)) return;
    this.refs.add(name);
    this.loads.set(name, "local");
  }

  declareParameter(name: string): void {
    this.stores.add(name);
    this.refs.add(name);
    this.loads.set(name, "local");
  }

  /** After an `if`: names stored by some branches but not all must come from outside. */
  branchUpdate(branches: FrameSymbols[]): void {
    const storedBy = new Map<string, number>();
    for (const branch of branches) {
      for (const name of branch.stores) {
        if (!this.stores.has(name)) storedBy.set(name, (storedBy.get(name) ?? 0) + 1);
      }
    }
    for (const branch of branches) {
      for (const name of branch.refs) this.refs.add(name);
      for (const [name, action] of branch.loads) this.loads.set(name, action);
      for (const name of branch.stores) this.stores.add(name);
    }
    for (const [name, count] of storedBy) {
      if (count === branches.length) continue;
      this.loads.set(name, this.parent?.findRef(name) ? "local" : "resolve");
    }
  }
}

function loadExpr(expr: Expr | null | undefined, symbols: FrameSymbols): void {
  if (!expr) return;
  if (expr.kind === "name" || expr.kind === "nsref") symbols.load(expr.name);
  else for (const sub of subExpressions(expr)) loadExpr(sub, symbols);
}

/** An assignment target: names are stored, `ns.attr` reads `ns`. */
function storeTarget(target: Expr, symbols: FrameSymbols, asParameter = false): void {
  if (target.kind === "name") {
    if (asParameter) symbols.declareParameter(target.name);
    else symbols.store(target.name);
  } else if (target.kind === "nsref") {
    symbols.load(target.name);
  } else if (target.kind === "tuple") {
    for (const item of target.items) storeTarget(item, symbols, asParameter);
  }
}

/** Jinja2's `FrameSymbolVisitor`: what a statement does to the frame it sits in. */
function visitStatement(stmt: Stmt, symbols: FrameSymbols): void {
  switch (stmt.kind) {
    case "data":
      return;
    case "output":
      loadExpr(stmt.expr, symbols);
      return;
    case "if": {
      const [first, ...elifs] = stmt.branches;
      loadExpr(first!.test, symbols);
      const inBranch = (run: (branch: FrameSymbols) => void): FrameSymbols => {
        const branch = symbols.copy();
        run(branch);
        return branch;
      };
      const body = inBranch((b) => visitStatements(first!.body, b));
      // Jinja2 keeps every `elif` as a nested `If` inside one shared branch.
      const elif = inBranch((b) => {
        for (const branch of elifs) {
          loadExpr(branch.test, b);
          const elifBody = b.copy();
          visitStatements(branch.body, elifBody);
          b.branchUpdate([elifBody, b.copy(), b.copy()]);
        }
      });
      const otherwise = inBranch((b) => visitStatements(stmt.otherwise, b));
      symbols.branchUpdate([body, elif, otherwise]);
      return;
    }
    case "for":
      loadExpr(stmt.iterable, symbols);
      return;
    case "set":
      loadExpr(stmt.value, symbols);
      storeTarget(stmt.target, symbols);
      return;
    case "setblock":
      storeTarget(stmt.target, symbols);
      return;
    case "with":
      for (const value of stmt.values) loadExpr(value, symbols);
      return;
    case "include":
      loadExpr(stmt.template, symbols);
      return;
    case "filterblock":
      loadExpr(stmt.filter, symbols);
      return;
    case "macro":
      symbols.store(stmt.name);
      return;
  }
}

function visitStatements(stmts: readonly Stmt[], symbols: FrameSymbols): void {
  for (const stmt of stmts) visitStatement(stmt, symbols);
}

/** Does anything under `stmts`, at any depth, read `name`? (Jinja2's `find_undeclared`.) */
function readsName(stmts: readonly Stmt[], name: string): boolean {
  return stmts.some((stmt) => {
    const probe = new FrameSymbols(undefined);
    for (const expr of ownExpressions(stmt)) {
      // Assignment targets are stores, not reads: only `ns.attr` targets read.
      if (expr && (expr.kind === "name" || expr.kind === "tuple") && isTargetOf(stmt, expr))
        continue;
      loadExpr(expr, probe);
    }
    return probe.loads.get(name) === "resolve" || childBodies(stmt).some((b) => readsName(b, name));
  });
}

function isTargetOf(stmt: Stmt, expr: Expr): boolean {
  if (stmt.kind === "for" || stmt.kind === "set" || stmt.kind === "setblock")
    return stmt.target === expr;
  return stmt.kind === "with" && stmt.targets.includes(expr);
}

class UndeclaredCollector {
  readonly undeclared = new Set<string>();

  /** Jinja2's `TrackingCodeGenerator.enter_frame`, then the frames nested in this one. */
  enter(frame: FrameSymbols, body: readonly Stmt[]): void {
    for (const [name, action] of frame.loads) {
      if (action === "resolve" && !JINJA_GLOBALS.has(name)) this.undeclared.add(name);
    }
    this.nestedFrames(body, frame);
  }

  private frame(parent: FrameSymbols, fill: (symbols: FrameSymbols) => void): FrameSymbols {
    const symbols = new FrameSymbols(parent);
    fill(symbols);
    return symbols;
  }

  private nestedFrames(body: readonly Stmt[], parent: FrameSymbols): void {
    for (const stmt of body) {
      switch (stmt.kind) {
        case "if":
          // `if` branches are soft frames: they share the enclosing frame's symbols.
          for (const branch of stmt.branches) this.nestedFrames(branch.body, parent);
          this.nestedFrames(stmt.otherwise, parent);
          break;
        case "for": {
          const loop = this.frame(parent, (s) => {
            s.declareParameter("loop");
            storeTarget(stmt.target, s, true);
            visitStatements(stmt.body, s);
          });
          if (stmt.filter) {
            const test = this.frame(parent, (s) => {
              storeTarget(stmt.target, s, true);
              loadExpr(stmt.filter, s);
            });
            this.enter(test, []);
          }
          this.enter(loop, stmt.body);
          if (stmt.otherwise.length > 0) {
            const otherwise = this.frame(parent, (s) => visitStatements(stmt.otherwise, s));
            this.enter(otherwise, stmt.otherwise);
          }
          break;
        }
        case "with": {
          const frame = this.frame(parent, (s) => {
            for (const target of stmt.targets) storeTarget(target, s);
            visitStatements(stmt.body, s);
          });
          this.enter(frame, stmt.body);
          break;
        }
        case "filterblock":
        case "setblock": {
          const frame = this.frame(parent, (s) => {
            visitStatements(stmt.body, s);
            loadExpr(stmt.filter, s);
          });
          this.enter(frame, stmt.body);
          break;
        }
        case "macro": {
          const frame = this.frame(parent, (s) => {
            for (const param of stmt.params) s.declareParameter(param);
            for (const value of stmt.defaults) loadExpr(value, s);
            visitStatements(stmt.body, s);
            for (const special of MACRO_SPECIAL_PARAMS) {
              if (readsName(stmt.body, special)) s.declareParameter(special);
            }
          });
          this.enter(frame, stmt.body);
          break;
        }
        default:
          break;
      }
    }
  }
}

/** The variables a template reads from its caller (`jinja2.meta.find_undeclared_variables`). */
export function undeclaredVariables(ast: TemplateAst): Set<string> {
  const root = new FrameSymbols(undefined);
  // Jinja2 binds `self` (the template's blocks) at the root when the template reads it.
  if (readsName(ast.body, "self")) root.declareParameter("self");
  visitStatements(ast.body, root);
  const collector = new UndeclaredCollector();
  collector.enter(root, ast.body);
  return collector.undeclared;
}

export { firstReadLines, referencedTemplates } from "./template-walk.js";

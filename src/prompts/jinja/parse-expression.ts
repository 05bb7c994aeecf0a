/**
 * Expression grammar, rule for rule as in Jinja2's `parser.py`, so precedence quirks match:
 * `-x|f` is `(-x)|f`, `**` is left-associative, `not x is y` is `not (x is y)`.
 */
import type { CallArguments, CompareOperator, Expr } from "./ast.js";
import { describe, TokenStream } from "./token-stream.js";

const COMPARE_OPERATORS = new Set(["==", "!=", "<", "<=", ">", ">="]);
const TEST_ARGUMENT_START = new Set(["name", "string", "integer", "float"]);

export class ExpressionParser extends TokenStream {
  protected parseExpression(withCondexpr = true): Expr {
    return withCondexpr ? this.parseCondexpr() : this.parseOr();
  }

  protected parseCondexpr(): Expr {
    let line = this.current.line;
    let expr = this.parseOr();
    while (this.skipName("if")) {
      const test = this.parseOr();
      const otherwise = this.skipName("else") ? this.parseCondexpr() : undefined;
      expr = { kind: "condexpr", test, value: expr, otherwise, line };
      line = this.current.line;
    }
    return expr;
  }

  protected parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isName("or")) {
      const line = this.next().line;
      left = { kind: "or", left, right: this.parseAnd(), line };
    }
    return left;
  }

  protected parseAnd(): Expr {
    let left = this.parseNot();
    while (this.isName("and")) {
      const line = this.next().line;
      left = { kind: "and", left, right: this.parseNot(), line };
    }
    return left;
  }

  protected parseNot(): Expr {
    if (this.isName("not")) {
      const line = this.next().line;
      return { kind: "not", operand: this.parseNot(), line };
    }
    return this.parseCompare();
  }

  protected parseCompare(): Expr {
    const line = this.current.line;
    const first = this.parseMath1();
    const ops: { op: CompareOperator; operand: Expr }[] = [];
    while (true) {
      const token = this.current;
      if (token.type === "operator" && COMPARE_OPERATORS.has(token.value as string)) {
        this.next();
        ops.push({ op: token.value as CompareOperator, operand: this.parseMath1() });
      } else if (this.skipName("in")) {
        ops.push({ op: "in", operand: this.parseMath1() });
      } else if (this.isName("not") && this.isName("in", this.look())) {
        this.next();
        this.next();
        ops.push({ op: "notin", operand: this.parseMath1() });
      } else break;
    }
    return ops.length ? { kind: "compare", first, ops, line } : first;
  }

  protected parseMath1(): Expr {
    let left = this.parseConcat();
    while (this.isOp("+") || this.isOp("-")) {
      const token = this.next();
      const op = token.value as "+" | "-";
      left = { kind: "binary", op, left, right: this.parseConcat(), line: token.line };
    }
    return left;
  }

  protected parseConcat(): Expr {
    const line = this.current.line;
    const items = [this.parseMath2()];
    while (this.isOp("~")) {
      this.next();
      items.push(this.parseMath2());
    }
    return items.length === 1 ? items[0]! : { kind: "concat", items, line };
  }

  protected parseMath2(): Expr {
    let left = this.parsePow();
    while (["*", "/", "//", "%"].some((op) => this.isOp(op))) {
      const token = this.next();
      const op = token.value as "*" | "/" | "//" | "%";
      left = { kind: "binary", op, left, right: this.parsePow(), line: token.line };
    }
    return left;
  }

  protected parsePow(): Expr {
    let left = this.parseUnary();
    while (this.isOp("**")) {
      const line = this.next().line;
      left = { kind: "binary", op: "**", left, right: this.parseUnary(), line };
    }
    return left;
  }

  protected parseUnary(withFilter = true): Expr {
    const token = this.current;
    let node: Expr;
    if (this.isOp("-") || this.isOp("+")) {
      this.next();
      node = {
        kind: "unary",
        op: token.value as "-" | "+",
        operand: this.parseUnary(false),
        line: token.line,
      };
    } else node = this.parsePrimary();
    node = this.parsePostfix(node);
    return withFilter ? this.parseFilterExpr(node) : node;
  }

  protected parsePrimary(withNamespace = false): Expr {
    const token = this.current;
    const line = token.line;
    if (token.type === "name") {
      this.next();
      const name = token.value as string;
      if (name === "true" || name === "True") return { kind: "const", value: true, line };
      if (name === "false" || name === "False") return { kind: "const", value: false, line };
      if (name === "none" || name === "None") return { kind: "const", value: null, line };
      if (withNamespace && this.isOp(".")) {
        this.next();
        return { kind: "nsref", name, attr: this.expectType("name").value as string, line };
      }
      return { kind: "name", name, line };
    }
    if (token.type === "string") {
      let value = "";
      while (this.current.type === "string") value += this.next().value as string;
      return { kind: "const", value, line };
    }
    if (token.type === "integer" || token.type === "float") {
      this.next();
      return { kind: "const", value: token.value, line };
    }
    if (this.isOp("(")) {
      this.next();
      const node = this.parseTuple({ explicitParentheses: true });
      this.expectOp(")");
      return node;
    }
    if (this.isOp("[")) return this.parseList();
    if (this.isOp("{")) return this.parseDict();
    this.fail(`unexpected ${describe(token)}`, line);
  }

  protected parseTuple(options: {
    simplified?: boolean;
    withCondexpr?: boolean;
    extraEndRules?: string[] | undefined;
    explicitParentheses?: boolean;
    withNamespace?: boolean | undefined;
  }): Expr {
    let line = this.current.line;
    const parse = options.simplified
      ? () => this.parsePrimary(options.withNamespace === true)
      : () => this.parseExpression(options.withCondexpr !== false);
    const items: Expr[] = [];
    let isTuple = false;
    while (true) {
      if (items.length) this.expectOp(",");
      if (this.isTupleEnd(options.extraEndRules)) break;
      items.push(parse());
      if (this.isOp(",")) isTuple = true;
      else break;
      line = this.current.line;
    }
    if (!isTuple) {
      if (items.length) return items[0]!;
      if (!options.explicitParentheses)
        this.fail(`Expected an expression, got ${describe(this.current)}`);
    }
    return { kind: "tuple", items, line };
  }

  protected isTupleEnd(extraEndRules?: string[]): boolean {
    const token = this.current;
    if (token.type === "variable_end" || token.type === "block_end" || this.isOp(")")) return true;
    return token.type === "name" && (extraEndRules ?? []).includes(token.value as string);
  }

  protected parseList(): Expr {
    const line = this.expectOp("[").line;
    const items: Expr[] = [];
    while (!this.isOp("]")) {
      if (items.length) this.expectOp(",");
      if (this.isOp("]")) break;
      items.push(this.parseExpression());
    }
    this.expectOp("]");
    return { kind: "list", items, line };
  }

  protected parseDict(): Expr {
    const line = this.expectOp("{").line;
    const pairs: [Expr, Expr][] = [];
    while (!this.isOp("}")) {
      if (pairs.length) this.expectOp(",");
      if (this.isOp("}")) break;
      const key = this.parseExpression();
      this.expectOp(":");
      pairs.push([key, this.parseExpression()]);
    }
    this.expectOp("}");
    return { kind: "dict", pairs, line };
  }

  protected parsePostfix(node: Expr): Expr {
    let result = node;
    while (true) {
      if (this.isOp(".") || this.isOp("[")) result = this.parseSubscript(result);
      else if (this.isOp("(")) result = this.parseCall(result);
      else return result;
    }
  }

  protected parseFilterExpr(node: Expr): Expr {
    let result = node;
    while (true) {
      if (this.isOp("|")) result = this.parseFilter(result)!;
      else if (this.isName("is")) result = this.parseTest(result);
      else if (this.isOp("(")) result = this.parseCall(result);
      else return result;
    }
  }

  protected parseSubscript(object: Expr): Expr {
    const token = this.next();
    if (token.value === ".") {
      const attr = this.next();
      if (attr.type === "name")
        return { kind: "getattr", object, attr: attr.value as string, line: token.line };
      if (attr.type !== "integer") this.fail("expected name or number", attr.line);
      return {
        kind: "getitem",
        object,
        key: { kind: "const", value: attr.value, line: attr.line },
        line: token.line,
      };
    }
    const keys: Expr[] = [];
    while (!this.isOp("]")) {
      if (keys.length) this.expectOp(",");
      keys.push(this.parseSubscribed());
    }
    this.expectOp("]");
    const key: Expr =
      keys.length === 1 ? keys[0]! : { kind: "tuple", items: keys, line: token.line };
    return { kind: "getitem", object, key, line: token.line };
  }

  protected parseSubscribed(): Expr {
    const line = this.current.line;
    const parts: (Expr | undefined)[] = [];
    if (this.isOp(":")) {
      this.next();
      parts.push(undefined);
    } else {
      const node = this.parseExpression();
      if (!this.isOp(":")) return node;
      this.next();
      parts.push(node);
    }
    const atEnd = () => this.isOp("]") || this.isOp(",");
    if (this.isOp(":") || atEnd()) parts.push(undefined);
    else parts.push(this.parseExpression());
    if (this.isOp(":")) {
      this.next();
      parts.push(atEnd() ? undefined : this.parseExpression());
    } else parts.push(undefined);
    return { kind: "slice", start: parts[0], stop: parts[1], step: parts[2], line };
  }

  protected parseCallArgs(): CallArguments {
    const open = this.expectOp("(");
    const result: CallArguments = { args: [], kwargs: [] };
    const ensure = (ok: boolean) => {
      if (!ok) this.fail("invalid syntax for function call expression", open.line);
    };
    let requireComma = false;
    while (!this.isOp(")")) {
      if (requireComma) {
        this.expectOp(",");
        if (this.isOp(")")) break;
      }
      if (this.isOp("*")) {
        ensure(!result.dynArgs && !result.dynKwargs);
        this.next();
        result.dynArgs = this.parseExpression();
      } else if (this.isOp("**")) {
        ensure(!result.dynKwargs);
        this.next();
        result.dynKwargs = this.parseExpression();
      } else if (this.current.type === "name" && this.isOp("=", this.look())) {
        ensure(!result.dynKwargs);
        const key = this.next().value as string;
        this.next();
        result.kwargs.push([key, this.parseExpression()]);
      } else {
        ensure(!result.dynArgs && !result.dynKwargs && result.kwargs.length === 0);
        result.args.push(this.parseExpression());
      }
      requireComma = true;
    }
    this.expectOp(")");
    return result;
  }

  protected parseCall(callee: Expr): Expr {
    const line = this.current.line;
    return { kind: "call", callee, line, ...this.parseCallArgs() };
  }

  protected parseFilter(operand: Expr | null, startInline = false): Expr | null {
    let node = operand;
    let inline = startInline;
    while (this.isOp("|") || inline) {
      if (!inline) this.next();
      const token = this.expectType("name");
      let name = token.value as string;
      while (this.isOp(".")) {
        this.next();
        name += `.${this.expectType("name").value as string}`;
      }
      const call = this.isOp("(") ? this.parseCallArgs() : { args: [], kwargs: [] };
      node = { kind: "filter", operand: node, name, line: token.line, ...call };
      inline = false;
    }
    return node;
  }

  protected parseTest(operand: Expr): Expr {
    const token = this.next();
    const negated = this.skipName("not");
    let name = this.expectType("name").value as string;
    while (this.isOp(".")) {
      this.next();
      name += `.${this.expectType("name").value as string}`;
    }
    let call: CallArguments = { args: [], kwargs: [] };
    const current = this.current;
    if (this.isOp("(")) call = this.parseCallArgs();
    else if (
      (TEST_ARGUMENT_START.has(current.type) || this.isOp("[") || this.isOp("{")) &&
      !["else", "or", "and"].some((word) => this.isName(word))
    ) {
      if (this.isName("is")) this.fail("You cannot chain multiple tests with is");
      call = { args: [this.parsePostfix(this.parsePrimary())], kwargs: [] };
    }
    const test: Expr = { kind: "test", operand, name, line: token.line, ...call };
    return negated ? { kind: "not", operand: test, line: token.line } : test;
  }
}

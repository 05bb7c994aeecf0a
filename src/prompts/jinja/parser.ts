/** Statement parser (if/for/set/with/include/filter/macro/print) on top of the expression grammar. */
import type { Expr, FilterExpr, Stmt, TemplateAst } from "./ast.js";
import { tokenize } from "./lexer.js";
import { ExpressionParser } from "./parse-expression.js";

const UNSUPPORTED_TAGS = new Set(["block", "extends", "import", "from", "call", "autoescape"]);

export function parseTemplate(source: string, templateName: string): TemplateAst {
  return new Parser(tokenize(source, templateName), templateName).parse();
}

class Parser extends ExpressionParser {
  private readonly endTokenStack: string[][] = [];
  private readonly tagStack: string[] = [];

  parse(): TemplateAst {
    return { body: this.subparse(null) };
  }

  private subparse(endTokens: string[] | null): Stmt[] {
    const body: Stmt[] = [];
    if (endTokens) this.endTokenStack.push(endTokens);
    try {
      while (this.current.type !== "eof") {
        const token = this.current;
        if (token.type === "data") {
          body.push({ kind: "data", text: token.value as string, line: token.line });
          this.next();
        } else if (token.type === "variable_begin") {
          this.next();
          const expr = this.parseTuple({ withCondexpr: true });
          body.push({ kind: "output", expr, line: expr.line });
          this.expectType("variable_end");
        } else if (token.type === "block_begin") {
          this.next();
          if (
            endTokens &&
            this.current.type === "name" &&
            endTokens.includes(this.current.value as string)
          ) {
            return body;
          }
          body.push(this.parseStatement());
          this.expectType("block_end");
        } else {
          this.fail("internal parsing error");
        }
      }
      return body;
    } finally {
      if (endTokens) this.endTokenStack.pop();
    }
  }

  private parseStatements(endTokens: string[], dropNeedle = false): Stmt[] {
    if (this.isOp(":")) this.next();
    this.expectType("block_end");
    const result = this.subparse(endTokens);
    if (this.current.type === "eof") this.failEof(endTokens);
    if (dropNeedle) this.next();
    return result;
  }

  private failEof(endTokens: string[]): never {
    this.failUnknownTag(null, [...this.endTokenStack, endTokens]);
  }

  private failUnknownTag(name: string | null, stack: string[][], line?: number): never {
    const expected = new Set(stack.flat());
    const innermost = stack[stack.length - 1];
    const parts = [
      name === null ? "Unexpected end of template." : `Encountered unknown tag '${name}'.`,
    ];
    if (innermost) {
      const looking = innermost.map((t) => `'${t}'`).join(" or ");
      if (name !== null && expected.has(name)) {
        parts.push(
          `You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for ${looking}.`,
        );
      } else parts.push(`Jinja was looking for the following tags: ${looking}.`);
    }
    const tag = this.tagStack[this.tagStack.length - 1];
    if (tag) parts.push(`The innermost block that needs to be closed is '${tag}'.`);
    this.fail(parts.join(" "), line);
  }

  private parseStatement(): Stmt {
    const token = this.current;
    if (token.type !== "name") this.fail("tag name expected", token.line);
    const tag = token.value as string;
    if (UNSUPPORTED_TAGS.has(tag)) {
      this.fail(`the '${tag}' tag is not supported by evalgate's template engine`, token.line);
    }
    const parsers: Record<string, () => Stmt> = {
      if: () => this.parseIf(),
      for: () => this.parseFor(),
      set: () => this.parseSet(),
      with: () => this.parseWith(),
      include: () => this.parseInclude(),
      filter: () => this.parseFilterBlock(),
      macro: () => this.parseMacro(),
      print: () => this.parsePrint(),
    };
    const parse = parsers[tag];
    if (!parse) this.failUnknownTag(tag, this.endTokenStack, token.line);
    this.tagStack.push(tag);
    try {
      return parse();
    } finally {
      this.tagStack.pop();
    }
  }

  private parseIf(): Stmt {
    const line = this.expectName("if").line;
    const branches: { test: Expr; body: Stmt[] }[] = [];
    let otherwise: Stmt[] = [];
    while (true) {
      const test = this.parseTuple({ withCondexpr: false });
      const body = this.parseStatements(["elif", "else", "endif"]);
      branches.push({ test, body });
      const token = this.next();
      if (this.isName("elif", token)) continue;
      if (this.isName("else", token)) otherwise = this.parseStatements(["endif"], true);
      break;
    }
    return { kind: "if", branches, otherwise, line };
  }

  private parseFor(): Stmt {
    const line = this.expectName("for").line;
    const target = this.parseAssignTarget({ extraEndRules: ["in"] });
    this.expectName("in");
    const iterable = this.parseTuple({ withCondexpr: false, extraEndRules: ["recursive"] });
    const filter = this.skipName("if") ? this.parseExpression() : undefined;
    const recursive = this.skipName("recursive");
    if (recursive)
      this.fail("recursive loops are not supported by evalgate's template engine", line);
    const body = this.parseStatements(["endfor", "else"]);
    const otherwise = this.next().value === "endfor" ? [] : this.parseStatements(["endfor"], true);
    return { kind: "for", target, iterable, filter, body, otherwise, recursive, line };
  }

  private parseSet(): Stmt {
    const line = this.next().line;
    const target = this.parseAssignTarget({ withNamespace: true });
    if (this.isOp("=")) {
      this.next();
      return { kind: "set", target, value: this.parseTuple({}), line };
    }
    const filter = this.parseFilter(null) as FilterExpr | null;
    const body = this.parseStatements(["endset"], true);
    return { kind: "setblock", target, filter: filter ?? undefined, body, line };
  }

  private parseWith(): Stmt {
    const line = this.next().line;
    const targets: Expr[] = [];
    const values: Expr[] = [];
    while (this.current.type !== "block_end") {
      if (targets.length) this.expectOp(",");
      targets.push(this.parseAssignTarget({}));
      this.expectOp("=");
      values.push(this.parseExpression());
    }
    const body = this.parseStatements(["endwith"], true);
    return { kind: "with", targets, values, body, line };
  }

  private parseInclude(): Stmt {
    const line = this.next().line;
    const template = this.parseExpression();
    let ignoreMissing = false;
    if (this.isName("ignore") && this.isName("missing", this.look())) {
      ignoreMissing = true;
      this.next();
      this.next();
    }
    let withContext = true;
    if ((this.isName("with") || this.isName("without")) && this.isName("context", this.look())) {
      withContext = this.next().value === "with";
      this.next();
    }
    return { kind: "include", template, ignoreMissing, withContext, line };
  }

  private parseFilterBlock(): Stmt {
    const line = this.next().line;
    const filter = this.parseFilter(null, true) as FilterExpr;
    const body = this.parseStatements(["endfilter"], true);
    return { kind: "filterblock", filter, body, line };
  }

  private parseMacro(): Stmt {
    const line = this.next().line;
    const name = this.expectType("name").value as string;
    const params: string[] = [];
    const defaults: Expr[] = [];
    this.expectOp("(");
    while (!this.isOp(")")) {
      if (params.length) this.expectOp(",");
      params.push(this.expectType("name").value as string);
      if (this.isOp("=")) {
        this.next();
        defaults.push(this.parseExpression());
      } else if (defaults.length) this.fail("non-default argument follows default argument");
    }
    this.expectOp(")");
    const body = this.parseStatements(["endmacro"], true);
    return { kind: "macro", name, params, defaults, body, line };
  }

  private parsePrint(): Stmt {
    const line = this.next().line;
    const items: Expr[] = [];
    while (this.current.type !== "block_end") {
      if (items.length) this.expectOp(",");
      items.push(this.parseExpression());
    }
    return { kind: "output", expr: { kind: "concat", items, line }, line };
  }

  private parseAssignTarget(options: { extraEndRules?: string[]; withNamespace?: boolean }): Expr {
    const target = this.parseTuple({
      simplified: true,
      extraEndRules: options.extraEndRules,
      withNamespace: options.withNamespace,
    });
    const assignable = (e: Expr): boolean =>
      e.kind === "name" || e.kind === "nsref" || (e.kind === "tuple" && e.items.every(assignable));
    if (!assignable(target) || (target.kind === "name" && isReservedName(target.name))) {
      this.fail(`can't assign to '${target.kind === "name" ? "const" : target.kind}'`, target.line);
    }
    return target;
  }

  // --- expressions --------------------------------------------------------------------------
}

function isReservedName(name: string): boolean {
  return ["true", "false", "none", "True", "False", "None"].includes(name);
}

/** Token cursor shared by the expression and statement parsers, with Jinja2-style error messages. */
import type { Token } from "./lexer.js";
import { TemplateSyntaxError } from "./template-errors.js";

export class TokenStream {
  protected index = 0;
  protected readonly eof: Token;

  constructor(
    protected readonly tokens: Token[],
    protected readonly templateName: string,
  ) {
    this.eof = { type: "eof", value: "", line: tokens[tokens.length - 1]?.line ?? 1 };
  }

  protected get current(): Token {
    return this.tokens[this.index] ?? this.eof;
  }

  protected look(): Token {
    return this.tokens[this.index + 1] ?? this.eof;
  }

  protected next(): Token {
    const token = this.current;
    if (this.index < this.tokens.length) this.index++;
    return token;
  }

  protected isOp(op: string, token = this.current): boolean {
    return token.type === "operator" && token.value === op;
  }

  protected isName(name: string, token = this.current): boolean {
    return token.type === "name" && token.value === name;
  }

  protected skipName(name: string): boolean {
    if (!this.isName(name)) return false;
    this.next();
    return true;
  }

  protected fail(message: string, line = this.current.line): never {
    throw new TemplateSyntaxError(message, line, this.templateName);
  }

  protected expectType(type: Token["type"]): Token {
    if (this.current.type !== type) this.unexpected(describeType(type));
    return this.next();
  }

  protected expectOp(op: string): Token {
    if (!this.isOp(op)) this.unexpected(`'${op}'`);
    return this.next();
  }

  protected expectName(name: string): Token {
    if (!this.isName(name)) this.unexpected(`'${name}'`);
    return this.next();
  }

  protected unexpected(expected: string): never {
    if (this.current.type === "eof") this.fail(`unexpected end of template, expected ${expected}.`);
    this.fail(`expected token ${expected}, got ${describe(this.current)}`);
  }

  // --- statements ---------------------------------------------------------------------------
}

function describeType(type: Token["type"]): string {
  const names: Partial<Record<Token["type"], string>> = {
    variable_end: "'end of print statement'",
    block_end: "'end of statement block'",
    name: "'name'",
    eof: "'end of template'",
  };
  return names[type] ?? `'${type}'`;
}

export function describe(token: Token): string {
  if (token.type === "operator" || token.type === "name") return `'${String(token.value)}'`;
  return describeType(token.type);
}

/**
 * Tokenizer mirroring Jinja2's lexer with default settings: `{{ }}`, `{% %}`, `{# #}`, `-`/`+`
 * whitespace control, `{% raw %}`, newlines normalised to `\n` and one trailing newline dropped
 * (keep_trailing_newline=False). Tag ends are recognised only while brackets are balanced,
 * like Jinja2, so `{{ {'a': {'b': 1}} }}` lexes.
 */
import { PY_WHITESPACE, PyFloat, pyStrip } from "./python-values.js";
import { TemplateSyntaxError } from "./template-errors.js";

export type TokenType =
  | "data"
  | "variable_begin"
  | "variable_end"
  | "block_begin"
  | "block_end"
  | "name"
  | "string"
  | "integer"
  | "float"
  | "operator"
  | "eof";

export interface Token {
  type: TokenType;
  /** Operator text, name, decoded string, number, or data text. */
  value: string | number | PyFloat;
  line: number;
}

const WHITESPACE = new RegExp(`[${PY_WHITESPACE}]+`, "y");
const FLOAT = /(?<!\.)(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?[eE][+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/y;
const INTEGER =
  /0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|[1-9](?:_?\d)*|0(?:_?0)*/y;
const NAME = /[\p{ID_Start}_][\p{ID_Continue}]*/uy;
const STRING = /'([^'\\]*(?:\\.[^'\\]*)*)'|"([^"\\]*(?:\\.[^"\\]*)*)"/sy;
const OPERATORS = [
  "//",
  "**",
  "==",
  "!=",
  ">=",
  "<=",
  "+",
  "-",
  "/",
  "*",
  "%",
  "~",
  "[",
  "]",
  "(",
  ")",
  "{",
  "}",
  ">",
  "<",
  "=",
  ".",
  ":",
  "|",
  ",",
  ";",
];
const CLOSERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
const RAW_BEGIN = new RegExp(
  `\\{%([-+]?)[${PY_WHITESPACE}]*raw[${PY_WHITESPACE}]*(-%\\}|%\\})`,
  "y",
);
const RAW_END = new RegExp(
  `\\{%([-+]?)[${PY_WHITESPACE}]*endraw[${PY_WHITESPACE}]*(\\+%\\}|-%\\}|%\\})`,
  "g",
);
const TRAILING_WS = new RegExp(`[${PY_WHITESPACE}]*`, "y");

export function normalizeSource(source: string): string {
  const normalized = source.replace(/\r\n|\r/g, "\n");
  return normalized.endsWith("\n") ? normalized.slice(0, -1) : normalized;
}

export function tokenize(rawSource: string, templateName: string): Token[] {
  const source = normalizeSource(rawSource);
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  let linePos = 0;
  const lineAt = (index: number): number => {
    for (; linePos < index; linePos++) if (source.charCodeAt(linePos) === 10) line++;
    return line;
  };
  const fail = (message: string, index: number): never => {
    throw new TemplateSyntaxError(message, lineAt(index), templateName);
  };
  const skipWhitespace = (index: number): number => {
    TRAILING_WS.lastIndex = index;
    TRAILING_WS.exec(source);
    return TRAILING_WS.lastIndex;
  };
  const pushData = (text: string, start: number) => {
    if (text) tokens.push({ type: "data", value: text, line: lineAt(start) });
  };

  while (pos < source.length) {
    const tagStart = findTagStart(source, pos);
    if (tagStart < 0) {
      pushData(source.slice(pos), pos);
      break;
    }
    const kind = source[tagStart + 1];
    const control = source[tagStart + 2];
    let text = source.slice(pos, tagStart);
    RAW_BEGIN.lastIndex = tagStart;
    const raw = kind === "%" ? RAW_BEGIN.exec(source) : null;
    if ((raw ? raw[1] : control) === "-") text = pyStrip(text, null, "right");
    pushData(text, pos);

    if (raw) {
      let bodyStart = RAW_BEGIN.lastIndex;
      if (raw[2] === "-%}") bodyStart = skipWhitespace(bodyStart);
      RAW_END.lastIndex = bodyStart;
      const end = RAW_END.exec(source);
      if (!end) fail("Missing end of raw directive", tagStart);
      let body = source.slice(bodyStart, end!.index);
      if (end![1] === "-") body = pyStrip(body, null, "right");
      pushData(body, bodyStart);
      pos = RAW_END.lastIndex;
      if (end![2] === "-%}") pos = skipWhitespace(pos);
      continue;
    }

    const bodyStart = tagStart + 2 + (control === "-" || control === "+" ? 1 : 0);
    if (kind === "#") {
      const close = source.indexOf("#}", bodyStart);
      if (close < 0) fail("Missing end of comment tag", tagStart);
      pos = close + 2;
      if (close - 1 >= bodyStart && source[close - 1] === "-") pos = skipWhitespace(pos);
      continue;
    }

    const isVariable = kind === "{";
    tokens.push({
      type: isVariable ? "variable_begin" : "block_begin",
      value: "",
      line: lineAt(tagStart),
    });
    pos = lexTag(source, bodyStart, isVariable, tokens, lineAt, fail);
    const last = tokens[tokens.length - 1]!;
    if (last.type.endsWith("_end") && last.value === "-") pos = skipWhitespace(pos);
  }
  return tokens;
}

function findTagStart(source: string, from: number): number {
  let index = source.indexOf("{", from);
  while (index >= 0) {
    const next = source[index + 1];
    if (next === "{" || next === "%" || next === "#") return index;
    index = source.indexOf("{", index + 1);
  }
  return -1;
}

/** Lexes one `{{ … }}` / `{% … %}` body; returns the position after its end (or source end). */
function lexTag(
  source: string,
  start: number,
  isVariable: boolean,
  tokens: Token[],
  lineAt: (index: number) => number,
  fail: (message: string, index: number) => never,
): number {
  const closer = isVariable ? "}}" : "%}";
  const balance: string[] = [];
  let pos = start;
  while (pos < source.length) {
    if (balance.length === 0) {
      const endLength = endMatch(source, pos, closer, isVariable);
      if (endLength > 0) {
        // The value records a `-` control so the caller strips the whitespace that follows.
        const control = endLength === 3 ? source[pos]! : "";
        tokens.push({
          type: isVariable ? "variable_end" : "block_end",
          value: control,
          line: lineAt(pos),
        });
        return pos + endLength;
      }
    }
    WHITESPACE.lastIndex = pos;
    if (WHITESPACE.exec(source)) {
      pos = WHITESPACE.lastIndex;
      continue;
    }
    const line = lineAt(pos);
    const float = matchAt(FLOAT, source, pos);
    if (float) {
      const value = Number(float.replaceAll("_", ""));
      tokens.push({
        type: "float",
        value: Number.isInteger(value) ? new PyFloat(value) : value,
        line,
      });
      pos += float.length;
      continue;
    }
    const integer = matchAt(INTEGER, source, pos);
    if (integer) {
      tokens.push({ type: "integer", value: parseInteger(integer), line });
      pos += integer.length;
      continue;
    }
    const name = matchAt(NAME, source, pos);
    if (name) {
      tokens.push({ type: "name", value: name, line });
      pos += name.length;
      continue;
    }
    const string = matchAt(STRING, source, pos);
    if (string) {
      tokens.push({
        type: "string",
        value: decodeStringLiteral(string.slice(1, -1), (m) => fail(m, pos)),
        line,
      });
      pos += string.length;
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, pos));
    if (!op) return fail(`unexpected char ${JSON.stringify(source[pos])} at ${pos}`, pos);
    if (CLOSERS[op]) balance.push(CLOSERS[op]);
    else if (op === ")" || op === "]" || op === "}") {
      const expected = balance.pop();
      if (expected === undefined) fail(`unexpected '${op}'`, pos);
      if (expected !== op) fail(`unexpected '${op}', expected '${expected}'`, pos);
    }
    tokens.push({ type: "operator", value: op, line });
    pos += op.length;
  }
  return pos;
}

function endMatch(source: string, pos: number, closer: string, isVariable: boolean): number {
  if (source.startsWith(closer, pos)) return 2;
  if (source[pos] === "-" && source.startsWith(closer, pos + 1)) return 3;
  if (!isVariable && source[pos] === "+" && source.startsWith(closer, pos + 1)) return 3;
  return 0;
}

function matchAt(regex: RegExp, source: string, pos: number): string | undefined {
  regex.lastIndex = pos;
  return regex.exec(source)?.[0];
}

function parseInteger(text: string): number {
  const clean = text.replaceAll("_", "").toLowerCase();
  if (clean.startsWith("0b")) return Number.parseInt(clean.slice(2), 2);
  if (clean.startsWith("0o")) return Number.parseInt(clean.slice(2), 8);
  if (clean.startsWith("0x")) return Number.parseInt(clean.slice(2), 16);
  return Number(clean);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "\n": "",
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};

/** Python's `unicode-escape` decoding, which Jinja2 applies to string literals. */
export function decodeStringLiteral(body: string, fail: (message: string) => never): string {
  if (!body.includes("\\")) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== "\\" || i + 1 >= body.length) {
      out += ch;
      continue;
    }
    const next = body[i + 1]!;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i++;
    } else if (next >= "0" && next <= "7") {
      const octal = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      out += String.fromCodePoint(Number.parseInt(octal, 8));
      i += octal.length;
    } else if (next === "x" || next === "u" || next === "U") {
      const width = next === "x" ? 2 : next === "u" ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) {
        fail(`truncated \\${next}${"X".repeat(width)} escape`);
      }
      out += String.fromCodePoint(Number.parseInt(hex, 16));
      i += 1 + width;
    } else {
      out += ch;
    }
  }
  return out;
}

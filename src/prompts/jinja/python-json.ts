/**
 * Python's `json.loads` and `json.dumps`. JSON.parse cannot tell `2.0` from `2` and sorts
 * integer-like keys ahead of others, so both directions are implemented here: floats stay
 * floats and objects become insertion-ordered `Map`s, as Python dicts are.
 */
import { pyCompare } from "./python-operators.js";
import {
  formatFloat,
  formatInt,
  isMapping,
  isPyFloat,
  mappingEntries,
  PyFloat,
  toNumber,
  typeName,
} from "./python-values.js";
import { TemplateRenderError } from "./template-errors.js";

function decodeError(message: string, text: string, pos: number): TemplateRenderError {
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const column = pos - before.lastIndexOf("\n");
  return new TemplateRenderError(
    `${message}: line ${line} column ${column} (char ${pos})`,
    "JSONDecodeError",
  );
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
const WS = /[ \t\n\r]*/y;

export function jsonLoads(text: unknown): unknown {
  if (typeof text !== "string") {
    throw new TemplateRenderError(
      `the JSON object must be str, bytes or bytearray, not ${typeName(text)}`,
      "TypeError",
    );
  }
  let pos = 0;
  const skip = () => {
    WS.lastIndex = pos;
    WS.exec(text);
    pos = WS.lastIndex;
  };
  const parseString = (): string => {
    const start = pos;
    pos++;
    let out = "";
    while (true) {
      if (pos >= text.length) throw decodeError("Unterminated string starting at", text, start);
      const ch = text[pos]!;
      if (ch === '"') {
        pos++;
        return out;
      }
      if (ch === "\\") {
        const esc = text[pos + 1];
        const simple: Record<string, string> = {
          '"': '"',
          "\\": "\\",
          "/": "/",
          b: "\b",
          f: "\f",
          n: "\n",
          r: "\r",
          t: "\t",
        };
        if (esc !== undefined && simple[esc] !== undefined) {
          out += simple[esc];
          pos += 2;
        } else if (esc === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) {
          out += String.fromCharCode(Number.parseInt(text.slice(pos + 2, pos + 6), 16));
          pos += 6;
        } else throw decodeError("Invalid \\escape", text, pos);
      } else if (ch.charCodeAt(0) < 0x20) {
        throw decodeError("Invalid control character at", text, pos);
      } else {
        out += ch;
        pos++;
      }
    }
  };
  const parseValue = (): unknown => {
    skip();
    const ch = text[pos];
    if (ch === '"') return parseString();
    if (ch === "{") {
      pos++;
      const map = new Map<unknown, unknown>();
      skip();
      if (text[pos] === "}") {
        pos++;
        return map;
      }
      while (true) {
        skip();
        if (text[pos] !== '"') {
          throw decodeError("Expecting property name enclosed in double quotes", text, pos);
        }
        const key = parseString();
        skip();
        if (text[pos] !== ":") throw decodeError("Expecting ':' delimiter", text, pos);
        pos++;
        map.set(key, parseValue());
        skip();
        if (text[pos] === "}") {
          pos++;
          return map;
        }
        if (text[pos] !== ",") throw decodeError("Expecting ',' delimiter", text, pos);
        pos++;
      }
    }
    if (ch === "[") {
      pos++;
      const list: unknown[] = [];
      skip();
      if (text[pos] === "]") {
        pos++;
        return list;
      }
      while (true) {
        list.push(parseValue());
        skip();
        if (text[pos] === "]") {
          pos++;
          return list;
        }
        if (text[pos] !== ",") throw decodeError("Expecting ',' delimiter", text, pos);
        pos++;
      }
    }
    const words: [string, unknown][] = [
      ["null", null],
      ["true", true],
      ["false", false],
      ["NaN", Number.NaN],
      ["Infinity", Number.POSITIVE_INFINITY],
      ["-Infinity", Number.NEGATIVE_INFINITY],
    ];
    for (const [word, value] of words) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = pos;
    const number = NUMBER.exec(text);
    if (number) {
      pos = NUMBER.lastIndex;
      const value = Number(number[0]);
      return number[1] || number[2]
        ? Number.isInteger(value)
          ? new PyFloat(value)
          : value
        : value;
    }
    throw decodeError("Expecting value", text, pos);
  };
  const value = parseValue();
  skip();
  if (pos < text.length) throw decodeError("Extra data", text, pos);
  return value;
}

function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

function keyText(key: unknown): string {
  if (typeof key === "string") return key;
  if (key === null) return "null";
  if (typeof key === "boolean") return key ? "true" : "false";
  if (typeof key === "number" || key instanceof PyFloat) return numberText(key);
  throw new TemplateRenderError(
    `keys must be str, int, float, bool or None, not ${typeName(key)}`,
    "TypeError",
  );
}

function numberText(value: number | PyFloat): string {
  const n = toNumber(value);
  if (!isPyFloat(value)) return formatInt(n);
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
  return formatFloat(n);
}

/** Python's `json.dumps(value, sort_keys=…, indent=…)` with ensure_ascii. */
export function jsonDumps(
  value: unknown,
  options: { sortKeys?: boolean; indent?: number | string | null } = {},
) {
  const indentUnit =
    options.indent === null || options.indent === undefined
      ? null
      : typeof options.indent === "string"
        ? options.indent
        : " ".repeat(options.indent);
  const itemSeparator = indentUnit === null ? ", " : ",";
  const encode = (v: unknown, depth: number): string => {
    if (v === null) return "null";
    if (v === true) return "true";
    if (v === false) return "false";
    if (typeof v === "string") return quote(v);
    if (typeof v === "number" || v instanceof PyFloat) return numberText(v);
    const newline = indentUnit === null ? "" : `\n${indentUnit.repeat(depth + 1)}`;
    const closing = indentUnit === null ? "" : `\n${indentUnit.repeat(depth)}`;
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      return `[${newline}${v.map((item) => encode(item, depth + 1)).join(itemSeparator + newline)}${closing}]`;
    }
    if (isMapping(v)) {
      let entries = mappingEntries(v);
      if (entries.length === 0) return "{}";
      if (options.sortKeys) entries = entries.slice().sort((a, b) => pyCompare(a[0], b[0]));
      const parts = entries.map(([k, item]) => `${quote(keyText(k))}: ${encode(item, depth + 1)}`);
      return `{${newline}${parts.join(itemSeparator + newline)}${closing}}`;
    }
    throw new TemplateRenderError(
      `Object of type ${typeName(v)} is not JSON serializable`,
      "TypeError",
    );
  };
  return encode(value, 0);
}

/** Jinja2's `tojson`: sorted keys, and HTML-significant characters escaped. */
export function htmlSafeJson(value: unknown, indent?: number | string | null): string {
  return jsonDumps(value, { sortKeys: true, indent: indent ?? null })
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e")
    .replaceAll("&", "\\u0026")
    .replaceAll("'", "\\u0027");
}

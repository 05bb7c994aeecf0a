/** Filters over single values: text, numbers, defaults and JSON, as in `jinja2/filters.py`. */
import { getPythonAttribute } from "./attribute-access.js";
import { type BuiltinFilter, bind, REQUIRED } from "./filter-arguments.js";
import { formatFixed, percentFormat } from "./python-format.js";
import { htmlSafeJson } from "./python-json.js";
import { pyCapitalize, pyReplace, pySplitlines } from "./python-methods.js";
import { negate, typeError } from "./python-operators.js";
import {
  codePoints,
  isNumeric,
  isPyFloat,
  makeFloat,
  makeTuple,
  PY_WHITESPACE,
  PyFloat,
  pyStr,
  pyStrip,
  pyTruthy,
  strLength,
  toNumber,
  typeName,
  Undefined,
} from "./python-values.js";
import { TemplateRenderError } from "./template-errors.js";

function htmlEscape(value: unknown): string {
  return pyStr(value)
    .replaceAll("&", "&amp;")
    .replaceAll(">", "&gt;")
    .replaceAll("<", "&lt;")
    .replaceAll("'", "&#39;")
    .replaceAll('"', "&#34;");
}

function pyFloatFromString(text: string): number | undefined {
  const clean = pyStrip(text).replace(/(?<=\d)_(?=\d)/g, "");
  if (/^[-+]?(inf|infinity)$/i.test(clean)) return clean.startsWith("-") ? -Infinity : Infinity;
  if (/^[-+]?nan$/i.test(clean)) return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(clean)) return undefined;
  return Number(clean);
}

function pyIntFromString(text: string, base: number): number | undefined {
  const clean = pyStrip(text)
    .replace(/(?<=[\da-zA-Z])_(?=[\da-zA-Z])/g, "")
    .toLowerCase();
  const match = /^([-+]?)(0[box])?([\da-z]+)$/.exec(clean);
  if (!match) return undefined;
  const [, sign, prefix, digits = ""] = match;
  const prefixBase = prefix === "0b" ? 2 : prefix === "0o" ? 8 : prefix === "0x" ? 16 : base;
  if (prefix && prefixBase !== base && base !== 0) return undefined;
  const radix = base === 0 ? (prefix ? prefixBase : 10) : base;
  const valid = "0123456789abcdefghijklmnopqrstuvwxyz".slice(0, radix);
  if (![...digits].every((d) => valid.includes(d))) return undefined;
  const n = Number.parseInt(digits, radix);
  return sign === "-" ? -n : n;
}

function toFloatValue(value: unknown): number | undefined {
  if (value instanceof Undefined) value.fail();
  if (isNumeric(value)) return toNumber(value);
  if (typeof value === "string") return pyFloatFromString(value);
  return undefined;
}

function doInt(value: unknown, fallback: unknown, base: unknown): unknown {
  if (value instanceof Undefined) value.fail();
  if (typeof value === "string") {
    const parsed = pyIntFromString(value, Number(base));
    if (parsed !== undefined) return parsed;
  } else if (isNumeric(value)) {
    const n = toNumber(value);
    if (Number.isFinite(n)) return Math.trunc(n) || 0;
  }
  const asFloat = typeof value === "string" ? pyFloatFromString(value) : undefined;
  if (asFloat !== undefined && Number.isFinite(asFloat)) return Math.trunc(asFloat) || 0;
  return fallback;
}

function doIndent(s: string, width: unknown, first: unknown, blank: unknown): string {
  const indentation = typeof width === "string" ? width : " ".repeat(toNumber(width as number));
  const lines = pySplitlines(`${s}\n`);
  let rv: string;
  if (pyTruthy(blank)) rv = lines.join(`\n${indentation}`);
  else {
    rv = lines.shift() ?? "";
    if (lines.length)
      rv += `\n${lines.map((line) => (line ? indentation + line : line)).join("\n")}`;
  }
  return pyTruthy(first) ? indentation + rv : rv;
}

function doTitle(s: string): string {
  return s
    .split(new RegExp(`([-${PY_WHITESPACE}({\\[<]+)`))
    .filter((item) => item)
    .map((item) => {
      const chars = codePoints(item);
      return chars[0]!.toUpperCase() + chars.slice(1).join("").toLowerCase();
    })
    .join("");
}

function doRound(value: unknown, precision: unknown, method: unknown): unknown {
  if (method !== "common" && method !== "ceil" && method !== "floor") {
    throw new TemplateRenderError("method must be common, ceil or floor", "FilterArgumentError");
  }
  if (!isNumeric(value)) throw typeError(`type ${typeof value} doesn't define __round__ method`);
  const p = toNumber(precision as number);
  const x = toNumber(value);
  if (method !== "common") {
    const scaled = (method === "ceil" ? Math.ceil : Math.floor)(x * 10 ** p);
    return makeFloat(scaled / 10 ** p);
  }
  if (!isPyFloat(value)) return x;
  if (!Number.isFinite(x)) return x;
  const rounded = p >= 0 ? Number(formatFixed(x, p)) : Math.round(x / 10 ** -p) * 10 ** -p;
  return makeFloat(rounded);
}

function doTruncate(
  s: string,
  length: number,
  killwords: unknown,
  end: string,
  leeway: number,
): string {
  if (length < strLength(end))
    throw new TemplateRenderError(
      `expected length >= ${strLength(end)}, got ${length}`,
      "AssertionError",
    );
  const chars = codePoints(s);
  if (chars.length <= length + leeway) return s;
  const head = chars.slice(0, length - strLength(end)).join("");
  if (pyTruthy(killwords)) return head + end;
  const cut = head.lastIndexOf(" ");
  return (cut < 0 ? head : head.slice(0, cut)) + end;
}

export const VALUE_FILTERS: Record<string, BuiltinFilter> = {
  abs: (value) => {
    if (!isNumeric(value)) throw typeError(`bad operand type for abs(): '${typeName(value)}'`);
    return toNumber(value) < 0 ? negate(value, "-") : negate(value, "+");
  },
  attr: (value, args, kw) =>
    getPythonAttribute(value, String(bind("attr", args, kw, [["name", REQUIRED]])[0])),
  capitalize: (value) => pyCapitalize(pyStr(value)),
  center: (value, args, kw) => {
    const [width] = bind("center", args, kw, [["width", 80]]);
    const s = pyStr(value);
    const w = toNumber(width as number);
    const missing = w - strLength(s);
    if (missing <= 0) return s;
    const left = Math.floor(missing / 2) + (missing & w & 1);
    return " ".repeat(left) + s + " ".repeat(missing - left);
  },
  default: (value, args, kw) => {
    const [fallback, boolean] = bind("default", args, kw, [
      ["default_value", ""],
      ["boolean", false],
    ]);
    return value instanceof Undefined || (pyTruthy(boolean) && !pyTruthy(value)) ? fallback : value;
  },
  escape: (value) => htmlEscape(value),
  forceescape: (value) => htmlEscape(value),
  float: (value, args, kw) => {
    const [fallback] = bind("float", args, kw, [["default", new PyFloat(0)]]);
    const n = toFloatValue(value);
    return n === undefined ? fallback : makeFloat(n);
  },
  format: (value, args, kw) => {
    if (args.length && Object.keys(kw).length) {
      throw new TemplateRenderError(
        "can't handle positional and keyword arguments at the same time",
        "FilterArgumentError",
      );
    }
    return percentFormat(
      pyStr(value),
      Object.keys(kw).length ? new Map(Object.entries(kw)) : makeTuple(args),
    );
  },
  indent: (value, args, kw) => {
    const [width, first, blank] = bind("indent", args, kw, [
      ["width", 4],
      ["first", false],
      ["blank", false],
    ]);
    return doIndent(pyStr(value), width, first, blank);
  },
  int: (value, args, kw) => {
    const [fallback, base] = bind("int", args, kw, [
      ["default", 0],
      ["base", 10],
    ]);
    return doInt(value, fallback, base);
  },
  lower: (value) => pyStr(value).toLowerCase(),
  upper: (value) => pyStr(value).toUpperCase(),
  replace: (value, args, kw) => {
    const [old, replacement, count] = bind("replace", args, kw, [
      ["old", REQUIRED],
      ["new", REQUIRED],
      ["count", null],
    ]);
    return pyReplace(pyStr(value), pyStr(old), pyStr(replacement), count ?? -1);
  },
  round: (value, args, kw) => {
    const [precision, method] = bind("round", args, kw, [
      ["precision", 0],
      ["method", "common"],
    ]);
    return doRound(value, precision, method);
  },
  safe: (value) => pyStr(value),
  string: (value) => pyStr(value),
  striptags: (value) =>
    pyStr(value)
      .replace(/<!--.*?-->/gs, "")
      .replace(/<.*?>/gs, "")
      .split(new RegExp(`[${PY_WHITESPACE}]+`))
      .filter((w) => w)
      .join(" ")
      .replaceAll("&lt;", "<")
      .replaceAll("&gt;", ">")
      .replaceAll("&#34;", '"')
      .replaceAll("&quot;", '"')
      .replaceAll("&#39;", "'")
      .replaceAll("&amp;", "&"),
  title: (value) => doTitle(pyStr(value)),
  tojson: (value, args, kw) => {
    const [indent] = bind("tojson", args, kw, [["indent", null]]);
    return htmlSafeJson(value, indent as number | string | null);
  },
  trim: (value, args, kw) => {
    const [chars] = bind("trim", args, kw, [["chars", null]]);
    return pyStrip(pyStr(value), chars as string | null);
  },
  truncate: (value, args, kw) => {
    const [length, killwords, end, leeway] = bind("truncate", args, kw, [
      ["length", 255],
      ["killwords", false],
      ["end", "..."],
      ["leeway", null],
    ]);
    return doTruncate(
      pyStr(value),
      toNumber(length as number),
      killwords,
      pyStr(end),
      leeway === null ? 5 : toNumber(leeway as number),
    );
  },
  wordcount: (value) => pyStr(value).match(/[\p{L}\p{N}_]+/gu)?.length ?? 0,
};

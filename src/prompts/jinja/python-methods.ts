/**
 * The Python methods templates call on strings, dicts and lists (`s.strip()`, `d.items()`,
 * `xs.append(x)`). Only these exist: a template can reach nothing else of the host objects.
 */
import { pyEquals, pyIterate, pyList, typeError } from "./python-operators.js";
import {
  codePoints,
  DictView,
  dictKey,
  isMapping,
  isTuple,
  makeTuple,
  mappingEntries,
  mappingGet,
  mappingHas,
  mappingKeys,
  PY_WHITESPACE,
  pyRepr,
  pyStrip,
  typeName,
} from "./python-values.js";
import { TemplateRenderError } from "./template-errors.js";

export type Kwargs = Record<string, unknown>;
export type MethodImpl = (self: never, args: unknown[], kwargs: Kwargs) => unknown;

/** A callable value: bound methods, globals such as `range`, macros. */
export class PyFunction {
  readonly pythonTypeName = "builtin_function_or_method";
  constructor(
    readonly name: string,
    readonly invoke: (args: unknown[], kwargs: Kwargs) => unknown,
    readonly ownerType?: string,
    /** Python's repr when it is not a builtin's (`<Macro 'm'>`, `<function safe_range>`). */
    readonly reprText?: string,
  ) {}
  toString(): string {
    if (this.reprText !== undefined) return this.reprText;
    return this.ownerType
      ? `<built-in method ${this.name} of ${this.ownerType} object>`
      : `<built-in function ${this.name}>`;
  }
}

export function argument(
  args: unknown[],
  kwargs: Kwargs,
  index: number,
  name: string,
  fallback?: unknown,
) {
  if (index < args.length) return args[index];
  if (Object.hasOwn(kwargs, name)) return kwargs[name];
  return fallback;
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== "string") throw typeError(`${what} must be str, not ${typeName(value)}`);
  return value;
}

const SPLIT_WS = new RegExp(`[${PY_WHITESPACE}]+`);
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;

/** Python's `str.split(sep=None, maxsplit=-1)`. */
export function pySplit(s: string, sep: unknown = null, maxsplit: unknown = -1): string[] {
  const limit = typeof maxsplit === "number" && maxsplit >= 0 ? maxsplit : Number.POSITIVE_INFINITY;
  if (sep === null || sep === undefined) {
    const parts: string[] = [];
    let rest = pyStrip(s, null, "left");
    while (rest !== "") {
      if (parts.length >= limit) {
        parts.push(rest);
        break;
      }
      const match = SPLIT_WS.exec(rest);
      if (!match) {
        parts.push(rest);
        break;
      }
      parts.push(rest.slice(0, match.index));
      rest = rest.slice(match.index + match[0].length);
    }
    return parts;
  }
  const separator = requireString(sep, "separator");
  if (separator === "") throw new TemplateRenderError("empty separator", "ValueError");
  const pieces = s.split(separator);
  if (pieces.length - 1 <= limit) return pieces;
  return [...pieces.slice(0, limit), pieces.slice(limit).join(separator)];
}

function pyRsplit(s: string, sep: unknown, maxsplit: unknown): string[] {
  if (typeof maxsplit !== "number" || maxsplit < 0) return pySplit(s, sep);
  if (sep === null || sep === undefined) {
    const words = pySplit(s);
    if (words.length <= maxsplit + 1) return words;
    // Keep the original spacing of the unsplit head, as Python does.
    let head = pyStrip(s, null, "right");
    const tail: string[] = [];
    for (let i = 0; i < maxsplit; i++) {
      const word = words[words.length - 1 - i]!;
      head = pyStrip(head.slice(0, head.length - word.length), null, "right");
      tail.unshift(word);
    }
    return [head, ...tail];
  }
  const separator = requireString(sep, "separator");
  const pieces = s.split(separator);
  if (pieces.length - 1 <= maxsplit) return pieces;
  const cut = pieces.length - maxsplit;
  return [pieces.slice(0, cut).join(separator), ...pieces.slice(cut)];
}

export function pySplitlines(s: string, keepends = false): string[] {
  const lines: string[] = [];
  let start = 0;
  for (const match of s.matchAll(LINE_BREAK)) {
    const end = match.index! + match[0].length;
    lines.push(s.slice(start, keepends ? end : match.index));
    start = end;
  }
  if (start < s.length) lines.push(s.slice(start));
  return lines;
}

function prefixes(value: unknown): string[] {
  return isTuple(value)
    ? value.map((v) => requireString(v, "prefix"))
    : [requireString(value, "prefix")];
}

function pyStrTitle(s: string): string {
  return s.replace(/\p{L}+/gu, (word) => word[0]!.toUpperCase() + word.slice(1).toLowerCase());
}

export function pyCapitalize(s: string): string {
  const chars = codePoints(s);
  if (chars.length === 0) return s;
  return chars[0]!.toUpperCase() + chars.slice(1).join("").toLowerCase();
}

function justify(s: string, width: unknown, fill: unknown, side: "left" | "right" | "center") {
  const w = Number(width);
  const f = fill === undefined ? " " : requireString(fill, "fill character");
  const missing = w - codePoints(s).length;
  if (missing <= 0) return s;
  if (side === "left") return s + f.repeat(missing);
  if (side === "right") return f.repeat(missing) + s;
  // CPython centres with the extra space on the right unless both width and missing are odd.
  const left = Math.floor(missing / 2) + (missing & w & 1);
  return f.repeat(left) + s + f.repeat(missing - left);
}

function findIndex(s: string, sub: unknown, fromRight: boolean): number {
  const needle = requireString(sub, "substring");
  const index = fromRight ? s.lastIndexOf(needle) : s.indexOf(needle);
  return index < 0 ? -1 : codePoints(s.slice(0, index)).length;
}

type StrMethod = (s: string, args: unknown[], kwargs: Kwargs) => unknown;
const a = argument;

export const STRING_METHODS: Record<string, StrMethod> = {
  strip: (s, args, kw) => pyStrip(s, a(args, kw, 0, "chars", null) as string | null),
  lstrip: (s, args, kw) => pyStrip(s, a(args, kw, 0, "chars", null) as string | null, "left"),
  rstrip: (s, args, kw) => pyStrip(s, a(args, kw, 0, "chars", null) as string | null, "right"),
  split: (s, args, kw) => pySplit(s, a(args, kw, 0, "sep", null), a(args, kw, 1, "maxsplit", -1)),
  rsplit: (s, args, kw) => pyRsplit(s, a(args, kw, 0, "sep", null), a(args, kw, 1, "maxsplit", -1)),
  splitlines: (s, args, kw) => pySplitlines(s, a(args, kw, 0, "keepends", false) === true),
  startswith: (s, args) => prefixes(args[0]).some((p) => s.startsWith(p)),
  endswith: (s, args) => prefixes(args[0]).some((p) => s.endsWith(p)),
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  casefold: (s) => s.toLowerCase(),
  swapcase: (s) =>
    Array.from(s, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(""),
  title: (s) => pyStrTitle(s),
  capitalize: (s) => pyCapitalize(s),
  replace: (s, args, kw) => pyReplace(s, args[0], args[1], a(args, kw, 2, "count", -1)),
  join: (s, args) =>
    [...pyIterate(args[0])]
      .map((item, i) => {
        if (typeof item !== "string") {
          throw typeError(`sequence item ${i}: expected str instance, ${typeName(item)} found`);
        }
        return item;
      })
      .join(s),
  count: (s, args) => {
    const needle = requireString(args[0], "substring");
    return needle === "" ? codePoints(s).length + 1 : s.split(needle).length - 1;
  },
  find: (s, args) => findIndex(s, args[0], false),
  rfind: (s, args) => findIndex(s, args[0], true),
  index: (s, args) => {
    const index = findIndex(s, args[0], false);
    if (index < 0) throw new TemplateRenderError("substring not found", "ValueError");
    return index;
  },
  isdigit: (s) => s !== "" && /^\p{Nd}+$/u.test(s),
  isdecimal: (s) => s !== "" && /^\p{Nd}+$/u.test(s),
  isnumeric: (s) => s !== "" && /^\p{N}+$/u.test(s),
  isalpha: (s) => s !== "" && /^\p{L}+$/u.test(s),
  isalnum: (s) => s !== "" && /^[\p{L}\p{N}]+$/u.test(s),
  isspace: (s) => s !== "" && new RegExp(`^[${PY_WHITESPACE}]+$`).test(s),
  isupper: (s) => /\p{Lu}/u.test(s) && !/\p{Ll}/u.test(s),
  islower: (s) => /\p{Ll}/u.test(s) && !/\p{Lu}/u.test(s),
  zfill: (s, args) => {
    const sign = /^[-+]/.test(s) ? s[0]! : "";
    return sign + justify(s.slice(sign.length), Number(args[0]) - sign.length, "0", "right");
  },
  center: (s, args) => justify(s, args[0], args[1], "center"),
  ljust: (s, args) => justify(s, args[0], args[1], "left"),
  rjust: (s, args) => justify(s, args[0], args[1], "right"),
  partition: (s, args) => {
    const sep = requireString(args[0], "separator");
    const i = s.indexOf(sep);
    return makeTuple(i < 0 ? [s, "", ""] : [s.slice(0, i), sep, s.slice(i + sep.length)]);
  },
  rpartition: (s, args) => {
    const sep = requireString(args[0], "separator");
    const i = s.lastIndexOf(sep);
    return makeTuple(i < 0 ? ["", "", s] : [s.slice(0, i), sep, s.slice(i + sep.length)]);
  },
  removeprefix: (s, args) => {
    const p = requireString(args[0], "prefix");
    return p && s.startsWith(p) ? s.slice(p.length) : s;
  },
  removesuffix: (s, args) => {
    const p = requireString(args[0], "suffix");
    return p && s.endsWith(p) ? s.slice(0, -p.length) : s;
  },
};

/** Python's `str.replace(old, new, count=-1)`; an empty `old` inserts between code points. */
export function pyReplace(
  s: string,
  oldValue: unknown,
  newValue: unknown,
  count: unknown = -1,
): string {
  const old = requireString(oldValue, "replace() argument 1");
  const replacement = requireString(newValue, "replace() argument 2");
  let remaining = typeof count === "number" && count >= 0 ? count : Number.POSITIVE_INFINITY;
  if (old === "") {
    const chars = codePoints(s);
    let out = "";
    for (let i = 0; i <= chars.length; i++) {
      if (remaining > 0) {
        out += replacement;
        remaining--;
      }
      out += chars[i] ?? "";
    }
    return out;
  }
  let out = "";
  let from = 0;
  while (remaining > 0) {
    const index = s.indexOf(old, from);
    if (index < 0) break;
    out += s.slice(from, index) + replacement;
    from = index + old.length;
    remaining--;
  }
  return out + s.slice(from);
}

type DictLike = Map<unknown, unknown> | Record<string, unknown>;
type DictMethod = (d: DictLike, args: unknown[], kwargs: Kwargs) => unknown;

function dictSet(d: DictLike, key: unknown, value: unknown): void {
  if (d instanceof Map) d.set(dictKey(key), value);
  else
    Object.defineProperty(d, String(key), {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
}

export const DICT_METHODS: Record<string, DictMethod> = {
  items: (d) =>
    new DictView(
      "dict_items",
      mappingEntries(d).map((pair) => makeTuple(pair)),
    ),
  keys: (d) => new DictView("dict_keys", mappingKeys(d)),
  values: (d) =>
    new DictView(
      "dict_values",
      mappingEntries(d).map(([, v]) => v),
    ),
  get: (d, args) => (mappingHas(d, args[0]) ? mappingGet(d, args[0]) : (args[1] ?? null)),
  copy: (d) => new Map(mappingEntries(d)),
  pop: (d, args) => {
    if (!mappingHas(d, args[0])) {
      if (args.length > 1) return args[1];
      throw new TemplateRenderError(pyRepr(args[0]), "KeyError");
    }
    const value = mappingGet(d, args[0]);
    if (d instanceof Map) d.delete(dictKey(args[0]));
    else delete d[args[0] as string];
    return value;
  },
  setdefault: (d, args) => {
    if (!mappingHas(d, args[0])) dictSet(d, args[0], args[1] ?? null);
    return mappingGet(d, args[0]);
  },
  update: (d, args, kwargs) => {
    const source = args[0];
    if (isMapping(source)) for (const [k, v] of mappingEntries(source)) dictSet(d, k, v);
    else if (source !== undefined) {
      for (const pair of pyIterate(source)) {
        const [k, v] = pyList(pair);
        dictSet(d, k, v);
      }
    }
    for (const [k, v] of Object.entries(kwargs)) dictSet(d, k, v);
    return null;
  },
};

type ListMethod = (list: unknown[], args: unknown[], kwargs: Kwargs) => unknown;

function listIndex(list: unknown[], value: unknown): number {
  const index = list.findIndex((item) => pyEquals(item, value));
  if (index < 0) throw new TemplateRenderError(`${pyRepr(value)} is not in list`, "ValueError");
  return index;
}

export const TUPLE_METHODS: Record<string, ListMethod> = {
  index: (list, args) => listIndex(list, args[0]),
  count: (list, args) => list.filter((item) => pyEquals(item, args[0])).length,
};

/** Jinja2's `modifies_known_mutable`: the methods ImmutableSandboxedEnvironment refuses. */
export const MUTATING_METHODS = {
  list: new Set(["append", "clear", "pop", "reverse", "insert", "sort", "extend", "remove"]),
  dict: new Set(["clear", "pop", "popitem", "setdefault", "update"]),
};

export const LIST_METHODS: Record<string, ListMethod> = {
  ...TUPLE_METHODS,
  append: (list, args) => {
    list.push(args[0]);
    return null;
  },
  extend: (list, args) => {
    list.push(...pyIterate(args[0]));
    return null;
  },
  insert: (list, args) => {
    const at = Number(args[0]);
    list.splice(at < 0 ? Math.max(0, list.length + at) : at, 0, args[1]);
    return null;
  },
  pop: (list, args) => {
    if (list.length === 0) throw new TemplateRenderError("pop from empty list", "IndexError");
    const at = args.length ? Number(args[0]) : -1;
    const index = at < 0 ? list.length + at : at;
    if (index < 0 || index >= list.length)
      throw new TemplateRenderError("pop index out of range", "IndexError");
    return list.splice(index, 1)[0];
  },
  remove: (list, args) => {
    list.splice(listIndex(list, args[0]), 1);
    return null;
  },
  copy: (list) => list.slice(),
  clear: (list) => {
    list.length = 0;
    return null;
  },
  reverse: (list) => {
    list.reverse();
    return null;
  },
};

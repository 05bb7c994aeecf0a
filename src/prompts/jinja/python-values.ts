/**
 * Python value model for the Jinja engine. Templates must render exactly as Python Jinja2 does,
 * so JS values are read with Python's eyes: integral numbers are ints, `PyFloat` marks floats
 * whose value happens to be integral (so `4/2` prints `2.0`), arrays marked with `TUPLE` are
 * tuples, `Map`s and plain objects are dicts, and `Undefined` stands for a missing value.
 */
import {
  type SecurityRule,
  TemplateSecurityError,
  UndefinedVariableError,
} from "./template-errors.js";

/** A Python float whose value is integral; non-integral JS numbers are floats already. */
export class PyFloat {
  constructor(readonly value: number) {}
}

const TUPLE = Symbol("python tuple");

export function makeTuple(items: unknown[]): unknown[] {
  Object.defineProperty(items, TUPLE, { value: true });
  return items;
}

export function isTuple(value: unknown): value is unknown[] {
  return Array.isArray(value) && (value as unknown as Record<symbol, unknown>)[TUPLE] === true;
}

/**
 * A one-shot Python iterator (what `map`, `select`, `selectattr`, … return): no len(), always
 * truthy, empty once consumed. Items are produced on first use, in one batch (generators cost
 * more than the rest of a render).
 */
export class PyIterator {
  private consumed = false;
  constructor(private readonly produce: () => unknown[]) {}
  take(): unknown[] {
    if (this.consumed) return [];
    this.consumed = true;
    return this.produce();
  }
  [Symbol.iterator](): Iterator<unknown> {
    return this.take()[Symbol.iterator]();
  }
}

/** `dict.items()` / `keys()` / `values()` views: sized, re-iterable, printed as `dict_items([...])`. */
export class DictView {
  constructor(
    readonly kind: "dict_items" | "dict_keys" | "dict_values",
    readonly items: unknown[],
  ) {}
}

/** Python's `range` object (the sandbox caps its size, as Jinja2's SandboxedEnvironment does). */
export class PyRange {
  constructor(
    readonly start: number,
    readonly stop: number,
    readonly step: number,
  ) {}
  toArray(): number[] {
    const out: number[] = [];
    const inRange = (i: number) => (this.step > 0 ? i < this.stop : i > this.stop);
    for (let i = this.start; inRange(i); i += this.step) out.push(i);
    return out;
  }
}

/** Jinja2's `namespace()`: the only object a template may assign attributes to. */
export class Namespace {
  readonly attrs = new Map<string, unknown>();
}

/**
 * A missing value: Jinja2's default `Undefined`. It prints as "", is falsy, iterates as empty
 * and has length 0; any other use (arithmetic, attribute of it, call, ordering) fails. The
 * sandbox's unsafe attributes are Undefined too, failing with a security refusal instead.
 */
export class Undefined {
  constructor(
    /** Variable, attribute or index that was missing. */
    readonly name: string | number | undefined,
    readonly options: {
      hint?: string;
      owner?: unknown;
      hasOwner?: boolean;
      /** Set for the sandbox's unsafe attributes: using them is this refusal. */
      security?: SecurityRule;
    } = {},
  ) {}

  /** Python's `Undefined._undefined_message`. */
  message(): string {
    const { hint, hasOwner, owner } = this.options;
    if (hint !== undefined) return hint;
    if (!hasOwner) return `'${String(this.name)}' is undefined`;
    if (typeof this.name !== "string") {
      return `${objectTypeRepr(owner)} has no element ${pyRepr(this.name)}`;
    }
    return `'${objectTypeRepr(owner)}' has no attribute ${pyRepr(this.name)}`;
  }

  fail(): never {
    const rule = this.options.security;
    if (rule !== undefined) throw new TemplateSecurityError(this.message(), rule);
    throw new UndefinedVariableError(
      this.message(),
      this.name === undefined ? "" : String(this.name),
    );
  }
}

/** What Jinja2 gives for `x if c` without an else when `c` is false. */
export function lenientUndefined(hint: string): Undefined {
  return new Undefined(undefined, { hint });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isMapping(
  value: unknown,
): value is Map<unknown, unknown> | Record<string, unknown> {
  return value instanceof Map || isPlainObject(value);
}

/** Python dict key identity: `1 == 1.0 == True`, so numeric keys normalise to JS numbers. */
export function dictKey(key: unknown): unknown {
  if (key instanceof PyFloat) return key.value;
  return key;
}

export function mappingKeys(map: Map<unknown, unknown> | Record<string, unknown>): unknown[] {
  return map instanceof Map ? [...map.keys()] : Object.keys(map);
}

export function mappingEntries(
  map: Map<unknown, unknown> | Record<string, unknown>,
): [unknown, unknown][] {
  return map instanceof Map ? [...map.entries()] : Object.entries(map);
}

export function mappingHas(map: Map<unknown, unknown> | Record<string, unknown>, key: unknown) {
  if (map instanceof Map) return map.has(dictKey(key));
  return typeof key === "string" && Object.hasOwn(map, key);
}

/** Own properties only, so a template can never reach a JS prototype through a dict. */
export function mappingGet(
  map: Map<unknown, unknown> | Record<string, unknown>,
  key: unknown,
): unknown {
  if (map instanceof Map) return map.get(dictKey(key));
  return typeof key === "string" && Object.hasOwn(map, key) ? map[key] : undefined;
}

export function mappingSize(map: Map<unknown, unknown> | Record<string, unknown>): number {
  return map instanceof Map ? map.size : Object.keys(map).length;
}

// ---------------------------------------------------------------------------------------------
// Numbers

export function isNumeric(value: unknown): value is number | boolean | PyFloat {
  return typeof value === "number" || typeof value === "boolean" || value instanceof PyFloat;
}

export function isPyFloat(value: unknown): boolean {
  return value instanceof PyFloat || (typeof value === "number" && !Number.isInteger(value));
}

export function isPyInt(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}

export function toNumber(value: number | boolean | PyFloat): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  return value.value;
}

/** Wraps an arithmetic result that Python would type as float. */
export function makeFloat(value: number): number | PyFloat {
  return Number.isInteger(value) ? new PyFloat(value) : value;
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form outside 1e-4 ≤ |x| < 1e16. */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Number.POSITIVE_INFINITY) return "inf";
  if (x === Number.NEGATIVE_INFINITY) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa = "", exponentText = "0"] = x.toExponential().split("e");
  const exponent = Number(exponentText);
  const sign = mantissa.startsWith("-") ? "-" : "";
  const digits = mantissa.replace("-", "").replace(".", "");
  if (exponent < -4 || exponent >= 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const magnitude = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${body}e${exponent < 0 ? "-" : "+"}${magnitude}`;
  }
  if (exponent >= 0) {
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
    return `${sign}${whole}.${digits.slice(exponent + 1) || "0"}`;
  }
  return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
}

export function formatInt(x: number): string {
  return Math.abs(x) < 1e21 ? String(x) : BigInt(x).toString();
}

// ---------------------------------------------------------------------------------------------
// Strings: Python counts code points, JS counts UTF-16 units.

const SURROGATE = /[\uD800-\uDFFF]/;

export function codePoints(s: string): string[] {
  return SURROGATE.test(s) ? Array.from(s) : s.split("");
}

export function strLength(s: string): number {
  return SURROGATE.test(s) ? Array.from(s).length : s.length;
}

/** Python's str comparison orders by code point; JS `<` orders by UTF-16 unit. */
export function compareStrings(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const pa = Array.from(a, (c) => c.codePointAt(0)!);
  const pb = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i]! < pb[i]! ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** Characters Python's `str.isspace()` accepts (differs from JS `\s`: no U+FEFF, adds U+001C–1F, U+0085). */
export const PY_WHITESPACE =
  "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const LEADING_WS = new RegExp(`^[${PY_WHITESPACE}]+`);
const TRAILING_WS = new RegExp(`[${PY_WHITESPACE}]+$`);

export function pyStrip(
  s: string,
  chars?: string | null,
  side: "both" | "left" | "right" = "both",
) {
  if (chars === undefined || chars === null) {
    let out = s;
    if (side !== "right") out = out.replace(LEADING_WS, "");
    if (side !== "left") out = out.replace(TRAILING_WS, "");
    return out;
  }
  const set = new Set(codePoints(chars));
  const cps = codePoints(s);
  let start = 0;
  let end = cps.length;
  if (side !== "right") while (start < end && set.has(cps[start]!)) start++;
  if (side !== "left") while (end > start && set.has(cps[end - 1]!)) end--;
  return cps.slice(start, end).join("");
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's `repr(str)`: single quotes unless the text has `'` and no `"`. */
export function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch !== " " && NON_PRINTABLE.test(ch)) {
      const code = ch.codePointAt(0)!;
      if (code < 0x100) out += `\\x${code.toString(16).padStart(2, "0")}`;
      else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, "0")}`;
      else out += `\\U${code.toString(16).padStart(8, "0")}`;
    } else out += ch;
  }
  return out + quote;
}

// ---------------------------------------------------------------------------------------------
// str(), repr(), type names

/** Python's type name, as used in error messages (`'dict object' has no attribute 'x'`). */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return "NoneType";
  if (typeof value === "string") return "str";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (value instanceof PyFloat) return "float";
  if (Array.isArray(value)) return isTuple(value) ? "tuple" : "list";
  if (isMapping(value)) return "dict";
  if (value instanceof Undefined) return "Undefined";
  if (value instanceof PyIterator) return "generator";
  if (value instanceof DictView) return value.kind;
  if (value instanceof PyRange) return "range";
  if (value instanceof Namespace) return "Namespace";
  const named = value as { pythonTypeName?: string };
  return typeof named.pythonTypeName === "string" ? named.pythonTypeName : "object";
}

/** Jinja2's `object_type_repr`. */
export function objectTypeRepr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  return `${typeName(value)} object`;
}

export function pyStr(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") {
    return Number.isInteger(value) ? formatInt(value) : formatFloat(value);
  }
  if (value instanceof PyFloat) return formatFloat(value.value);
  if (value instanceof Undefined) return "";
  return pyRepr(value);
}

export function pyRepr(value: unknown): string {
  if (typeof value === "string") return reprString(value);
  if (typeof value === "function") return "<function>";
  if (typeof value !== "object" || value === null || value instanceof PyFloat) return pyStr(value);
  if (value instanceof Undefined) return "Undefined";
  if (Array.isArray(value)) {
    const inner = value.map(pyRepr).join(", ");
    if (!isTuple(value)) return `[${inner}]`;
    return value.length === 1 ? `(${inner},)` : `(${inner})`;
  }
  if (isMapping(value)) {
    const parts = mappingEntries(value).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`);
    return `{${parts.join(", ")}}`;
  }
  if (value instanceof DictView) return `${value.kind}(${pyRepr(value.items)})`;
  if (value instanceof PyRange) {
    const step = value.step === 1 ? "" : `, ${value.step}`;
    return `range(${value.start}, ${value.stop}${step})`;
  }
  if (value instanceof Namespace) return `<Namespace ${pyRepr(value.attrs)}>`;
  if (value instanceof PyIterator) return "<generator object>";
  if (typeof value === "object" && value !== null && typeof value.toString === "function") {
    const text = value.toString();
    if (text !== "[object Object]") return text;
  }
  if (typeof value === "object" && value !== null) return `<${typeName(value)} object>`;
  return pyStr(value);
}

export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (value === true) return true;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return value.length > 0;
  if (value instanceof PyFloat) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Undefined) return false;
  if (isMapping(value)) return mappingSize(value) > 0;
  if (value instanceof DictView) return value.items.length > 0;
  if (value instanceof PyRange) return value.toArray().length > 0;
  return true;
}

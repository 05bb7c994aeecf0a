/** Python operator semantics: arithmetic, equality, ordering, `in`, iteration, len(), slicing. */
import type { BinaryOperator } from "./ast.js";
import { percentFormat } from "./python-format.js";
import {
  codePoints,
  compareStrings,
  DictView,
  isMapping,
  isNumeric,
  isPyFloat,
  isTuple,
  makeFloat,
  makeTuple,
  mappingEntries,
  mappingHas,
  mappingKeys,
  mappingSize,
  PyFloat,
  PyIterator,
  PyRange,
  strLength,
  toNumber,
  typeName,
  Undefined,
} from "./python-values.js";
import { TemplateRenderError } from "./template-errors.js";

export function typeError(message: string): TemplateRenderError {
  return new TemplateRenderError(message, "TypeError");
}

function failIfUndefined(...values: unknown[]): void {
  for (const value of values) if (value instanceof Undefined) value.fail();
}

function unsupported(op: string, a: unknown, b: unknown): TemplateRenderError {
  return typeError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

function numericResult(value: number, asFloat: boolean): number | PyFloat {
  return asFloat ? makeFloat(value) : value;
}

function repeat(sequence: unknown, times: unknown): unknown {
  const count = Math.max(0, toNumber(times as number));
  if (typeof sequence === "string") return sequence.repeat(count);
  const items = sequence as unknown[];
  const out: unknown[] = [];
  for (let i = 0; i < count; i++) out.push(...items);
  return isTuple(items) ? makeTuple(out) : out;
}

function isIntLike(value: unknown): boolean {
  return typeof value === "boolean" || (typeof value === "number" && Number.isInteger(value));
}

export function binaryOperation(op: BinaryOperator, a: unknown, b: unknown): unknown {
  failIfUndefined(a, b);
  if (op === "%" && typeof a === "string") return percentFormat(a, b);
  if (isNumeric(a) && isNumeric(b)) return arithmetic(op, a, b);
  if (op === "+") {
    if (typeof a === "string" && typeof b === "string") return a + b;
    if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) {
      return isTuple(a) ? makeTuple([...a, ...b]) : [...a, ...b];
    }
    if (typeof a === "string") {
      throw typeError(`can only concatenate str (not "${typeName(b)}") to str`);
    }
  }
  if (op === "*") {
    if ((typeof a === "string" || Array.isArray(a)) && isIntLike(b)) return repeat(a, b);
    if ((typeof b === "string" || Array.isArray(b)) && isIntLike(a)) return repeat(b, a);
  }
  throw unsupported(op, a, b);
}

function arithmetic(
  op: BinaryOperator,
  a: number | boolean | PyFloat,
  b: number | boolean | PyFloat,
) {
  const x = toNumber(a);
  const y = toNumber(b);
  const float = isPyFloat(a) || isPyFloat(b);
  switch (op) {
    case "+":
      return numericResult(x + y, float);
    case "-":
      return numericResult(x - y, float);
    case "*":
      return numericResult(x * y, float);
    case "/":
      if (y === 0) throw new TemplateRenderError("division by zero", "ZeroDivisionError");
      return makeFloat(x / y);
    case "//":
      if (y === 0)
        throw new TemplateRenderError("integer division or modulo by zero", "ZeroDivisionError");
      return numericResult(Math.floor(x / y), float);
    case "%": {
      if (y === 0) throw new TemplateRenderError("integer modulo by zero", "ZeroDivisionError");
      const mod = x - y * Math.floor(x / y);
      return numericResult(mod, float);
    }
    case "**":
      if (x === 0 && y < 0) {
        throw new TemplateRenderError(
          "0.0 cannot be raised to a negative power",
          "ZeroDivisionError",
        );
      }
      return numericResult(x ** y, float || y < 0);
  }
}

export function negate(value: unknown, op: "-" | "+"): unknown {
  failIfUndefined(value);
  if (!isNumeric(value)) throw typeError(`bad operand type for unary ${op}: '${typeName(value)}'`);
  const n = op === "-" ? -toNumber(value) : toNumber(value);
  // Python ints have no negative zero; floats do (`-0.0`).
  return isPyFloat(value) ? makeFloat(n) : n === 0 ? 0 : n;
}

export function pyEquals(a: unknown, b: unknown): boolean {
  // Undefined == Undefined, and nothing else (Python compares the classes).
  if (a instanceof Undefined || b instanceof Undefined) {
    return a instanceof Undefined && b instanceof Undefined;
  }
  if (a === b) return true;
  if (isNumeric(a) && isNumeric(b)) return toNumber(a) === toNumber(b);
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (isTuple(a) !== isTuple(b) || a.length !== b.length) return false;
    return a.every((item, i) => pyEquals(item, b[i]));
  }
  if (isMapping(a) && isMapping(b)) {
    if (mappingSize(a) !== mappingSize(b)) return false;
    return mappingEntries(a).every(
      ([key, value]) => mappingHas(b, key) && pyEquals(value, lookupEntry(b, key)),
    );
  }
  if (a instanceof DictView && b instanceof DictView) {
    return a.kind === b.kind && pyEquals(a.items, b.items);
  }
  return false;
}

function lookupEntry(map: Map<unknown, unknown> | Record<string, unknown>, key: unknown): unknown {
  return map instanceof Map
    ? map.get(key instanceof PyFloat ? key.value : key)
    : map[key as string];
}

/** Python ordering (`<` and friends, `sorted`); mixed types raise TypeError like Python 3. */
export function pyCompare(a: unknown, b: unknown, op = "<"): number {
  failIfUndefined(a, b);
  if (isNumeric(a) && isNumeric(b)) {
    const x = toNumber(a);
    const y = toNumber(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === "string" && typeof b === "string") return compareStrings(a, b);
  if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEquals(a[i], b[i])) return pyCompare(a[i], b[i], op);
    }
    return a.length - b.length;
  }
  throw typeError(
    `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`,
  );
}

export function pyContains(container: unknown, item: unknown): boolean {
  // Undefined has no __contains__: Python iterates it, and it is empty.
  if (container instanceof Undefined) return false;
  if (typeof container === "string") {
    if (typeof item !== "string") {
      throw typeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    }
    return container.includes(item);
  }
  if (isMapping(container)) return mappingHas(container, item);
  if (container instanceof DictView && container.kind === "dict_keys") {
    return container.items.some((key) => pyEquals(key, item));
  }
  for (const element of pyIterate(container)) if (pyEquals(element, item)) return true;
  return false;
}

/** Python's `iter()`: strings yield code points, dicts yield keys. */
export function pyIterate(value: unknown): Iterable<unknown> {
  if (Array.isArray(value)) return value;
  if (typeof value === "string") return codePoints(value);
  if (isMapping(value)) return mappingKeys(value);
  if (value instanceof DictView) return value.items;
  if (value instanceof PyIterator) return value;
  if (value instanceof PyRange) return value.toArray();
  if (value instanceof Undefined) return [];
  throw typeError(`'${typeName(value)}' object is not iterable`);
}

export function pyList(value: unknown): unknown[] {
  if (value instanceof PyIterator) return value.take();
  const items = pyIterate(value);
  return Array.isArray(items) ? items.slice() : [...items];
}

export function pyLen(value: unknown): number {
  if (typeof value === "string") return strLength(value);
  if (Array.isArray(value)) return value.length;
  if (isMapping(value)) return mappingSize(value);
  if (value instanceof DictView) return value.items.length;
  if (value instanceof PyRange) return value.toArray().length;
  if (value instanceof Undefined) return 0;
  throw typeError(`object of type '${typeName(value)}' has no len()`);
}

/** Python slice semantics for lists, tuples and strings. */
export function pySlice(value: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  failIfUndefined(value, start, stop, step);
  const asIndex = (v: unknown): number | null => {
    if (v === null || v === undefined) return null;
    if (!isIntLike(v)) throw typeError("slice indices must be integers or None");
    return toNumber(v as number);
  };
  const items = typeof value === "string" ? codePoints(value) : Array.isArray(value) ? value : null;
  if (!items) throw typeError(`'${typeName(value)}' object is not subscriptable`);
  const length = items.length;
  const s = asIndex(step) ?? 1;
  if (s === 0) throw new TemplateRenderError("slice step cannot be zero", "ValueError");
  const clamp = (index: number | null, fallback: number, low: number, high: number) => {
    if (index === null) return fallback;
    const resolved = index < 0 ? index + length : index;
    return Math.min(Math.max(resolved, low), high);
  };
  const out: unknown[] = [];
  if (s > 0) {
    const begin = clamp(asIndex(start), 0, 0, length);
    const end = clamp(asIndex(stop), length, 0, length);
    for (let i = begin; i < end; i += s) out.push(items[i]);
  } else {
    const begin = clamp(asIndex(start), length - 1, -1, length - 1);
    const end = clamp(asIndex(stop), -1, -1, length - 1);
    for (let i = begin; i > end; i += s) out.push(items[i]);
  }
  if (typeof value === "string") return out.join("");
  return isTuple(value) ? makeTuple(out) : out;
}

/**
 * What Jinja2's filters share: Python-style argument binding, `make_attrgetter` (dotted paths,
 * integer parts as indexes) and lazily produced one-shot results.
 */
import { getItem } from "./attribute-access.js";
import type { TestRuntime } from "./builtin-tests.js";
import type { Kwargs } from "./python-methods.js";
import { typeError } from "./python-operators.js";
import { PyIterator, Undefined } from "./python-values.js";

export interface FilterRuntime extends TestRuntime {
  callFilter(name: string, value: unknown, args: unknown[], kwargs: Kwargs): unknown;
  callTest(name: string, value: unknown, args: unknown[], kwargs: Kwargs): boolean;
}

export type BuiltinFilter = (
  value: unknown,
  args: unknown[],
  kwargs: Kwargs,
  runtime: FilterRuntime,
) => unknown;

export const REQUIRED = Symbol("required");

/** Binds positional and keyword arguments to parameter names, like a Python call. */
export function bind(
  filter: string,
  args: unknown[],
  kwargs: Kwargs,
  params: [string, unknown][],
): unknown[] {
  if (args.length > params.length) {
    throw typeError(`${filter}() takes at most ${params.length + 1} positional arguments`);
  }
  for (const key of Object.keys(kwargs)) {
    if (!params.some(([name]) => name === key)) {
      throw typeError(`${filter}() got an unexpected keyword argument '${key}'`);
    }
  }
  return params.map(([name, fallback], i) => {
    const value = i < args.length ? args[i] : Object.hasOwn(kwargs, name) ? kwargs[name] : fallback;
    if (value === REQUIRED) throw typeError(`${filter}() missing required argument: '${name}'`);
    return value;
  });
}

export function attributeParts(attribute: unknown): unknown[] {
  if (attribute === null || attribute === undefined) return [];
  if (typeof attribute === "string")
    return attribute.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  return [attribute];
}

/** Jinja2's `make_attrgetter`: dotted paths, integer parts as indexes, optional default. */
export function attrGetter(
  attribute: unknown,
  options: { lower?: boolean; fallback?: unknown } = {},
) {
  const parts = attributeParts(attribute);
  return (item: unknown): unknown => {
    let value = item;
    for (const part of parts) {
      value = getItem(value, part);
      if (
        options.fallback !== undefined &&
        options.fallback !== null &&
        value instanceof Undefined
      ) {
        value = options.fallback;
      }
    }
    return options.lower && typeof value === "string" ? value.toLowerCase() : value;
  };
}

export function multiAttrGetter(attribute: unknown, lower: boolean) {
  if (typeof attribute !== "string" || !attribute.includes(","))
    return attrGetter(attribute, { lower });
  const getters = attribute.split(",").map((part) => attrGetter(part, { lower }));
  return (item: unknown) => getters.map((get) => get(item));
}

export function lazy(produce: () => Iterable<unknown>): PyIterator {
  return new PyIterator(() => {
    const items = produce();
    return Array.isArray(items) ? items : [...items];
  });
}

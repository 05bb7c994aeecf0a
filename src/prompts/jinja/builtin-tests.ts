/** Jinja2's built-in tests (`x is defined`, `n is odd`, `v is equalto 3`, …) with Python semantics. */
import { PyFunction } from "./python-methods.js";
import { binaryOperation, pyCompare, pyContains, pyEquals } from "./python-operators.js";
import {
  DictView,
  isMapping,
  isNumeric,
  isPyFloat,
  isPyInt,
  PyIterator,
  PyRange,
  pyStr,
  Undefined,
} from "./python-values.js";

export type TestFunction = (value: unknown, args: unknown[], runtime: TestRuntime) => boolean;

export interface TestRuntime {
  hasFilter(name: string): boolean;
  hasTest(name: string): boolean;
}

function modEquals(value: unknown, divisor: unknown, expected: number): boolean {
  return pyEquals(binaryOperation("%", value, divisor), expected);
}

function isSequence(value: unknown): boolean {
  return (
    value instanceof Undefined ||
    typeof value === "string" ||
    Array.isArray(value) ||
    isMapping(value) ||
    value instanceof PyRange
  );
}

const compare = (op: string, accept: (order: number) => boolean): TestFunction => {
  return (value, args) => accept(pyCompare(value, args[0], op));
};

export const BUILTIN_TESTS: Record<string, TestFunction> = {
  odd: (value) => modEquals(value, 2, 1),
  even: (value) => modEquals(value, 2, 0),
  divisibleby: (value, args) => modEquals(value, args[0], 0),
  defined: (value) => !(value instanceof Undefined),
  undefined: (value) => value instanceof Undefined,
  none: (value) => value === null,
  boolean: (value) => typeof value === "boolean",
  false: (value) => value === false,
  true: (value) => value === true,
  integer: (value) => isPyInt(value),
  float: (value) => isNumeric(value) && typeof value !== "boolean" && isPyFloat(value),
  number: (value) => isNumeric(value),
  string: (value) => typeof value === "string",
  mapping: (value) => isMapping(value),
  lower: (value) => {
    const s = pyStr(value);
    return /\p{Ll}/u.test(s) && !/\p{Lu}/u.test(s);
  },
  upper: (value) => {
    const s = pyStr(value);
    return /\p{Lu}/u.test(s) && !/\p{Ll}/u.test(s);
  },
  sequence: (value) => isSequence(value),
  iterable: (value) => {
    return isSequence(value) || value instanceof DictView || value instanceof PyIterator;
  },
  // Python's callable(Undefined()) is True: the class defines __call__ (to raise).
  callable: (value) => value instanceof PyFunction || value instanceof Undefined,
  sameas: (value, args) => value === args[0],
  escaped: () => false,
  in: (value, args) => pyContains(args[0], value),
  filter: (value, _args, runtime) => typeof value === "string" && runtime.hasFilter(value),
  test: (value, _args, runtime) => typeof value === "string" && runtime.hasTest(value),
  "==": (value, args) => pyEquals(value, args[0]),
  eq: (value, args) => pyEquals(value, args[0]),
  equalto: (value, args) => pyEquals(value, args[0]),
  "!=": (value, args) => !pyEquals(value, args[0]),
  ne: (value, args) => !pyEquals(value, args[0]),
  ">": compare(">", (o) => o > 0),
  gt: compare(">", (o) => o > 0),
  greaterthan: compare(">", (o) => o > 0),
  ">=": compare(">=", (o) => o >= 0),
  ge: compare(">=", (o) => o >= 0),
  "<": compare("<", (o) => o < 0),
  lt: compare("<", (o) => o < 0),
  lessthan: compare("<", (o) => o < 0),
  "<=": compare("<=", (o) => o <= 0),
  le: compare("<=", (o) => o <= 0),
};

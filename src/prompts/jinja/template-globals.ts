/**
 * Globals every template sees, as in Jinja2: `range`, `dict`, `namespace`, `joiner`, `lipsum`,
 * `cycler`. The gateway's sandbox refuses to call any of them; their reprs are Python's, because
 * the refusal message shows them.
 */
import { type Kwargs, PyFunction } from "./python-methods.js";
import { pyIterate, pyList, typeError } from "./python-operators.js";
import {
  dictKey,
  isMapping,
  isPyInt,
  mappingEntries,
  Namespace,
  PyRange,
  pyStr,
} from "./python-values.js";
import { TemplateRenderError } from "./template-errors.js";

/** Jinja2's sandbox refuses ranges longer than this (MAX_RANGE). */
const MAX_RANGE = 100_000;

function makeRange(args: unknown[]): PyRange {
  for (const arg of args) {
    if (!isPyInt(arg)) throw typeError("'float' object cannot be interpreted as an integer");
  }
  const [a = 0, b, c = 1] = args as number[];
  const [start, stop] = b === undefined ? [0, a] : [a, b];
  if (c === 0) throw new TemplateRenderError("range() arg 3 must not be zero", "ValueError");
  const range = new PyRange(start, stop, c);
  const length = Math.max(0, Math.ceil((stop - start) / c));
  if (length > MAX_RANGE) {
    throw new TemplateRenderError(
      `Range too big. The sandbox blocks ranges larger than MAX_RANGE (${MAX_RANGE}).`,
      "OverflowError",
    );
  }
  return range;
}

function makeDict(args: unknown[], kwargs: Kwargs): Map<unknown, unknown> {
  const map = new Map<unknown, unknown>();
  const source = args[0];
  if (isMapping(source)) for (const [k, v] of mappingEntries(source)) map.set(dictKey(k), v);
  else if (source !== undefined) {
    for (const pair of pyIterate(source)) {
      const [k, v] = pyList(pair);
      map.set(dictKey(k), v);
    }
  }
  for (const [k, v] of Object.entries(kwargs)) map.set(k, v);
  return map;
}

function makeNamespace(args: unknown[], kwargs: Kwargs): Namespace {
  const ns = new Namespace();
  for (const [k, v] of makeDict(args, kwargs)) ns.attrs.set(String(k), v);
  return ns;
}

function makeJoiner(args: unknown[], kwargs: Kwargs): PyFunction {
  const separator = args[0] ?? kwargs.sep ?? ", ";
  let used = false;
  return new PyFunction("joiner", () => {
    if (!used) {
      used = true;
      return "";
    }
    return pyStr(separator);
  });
}

/** Python's is random; evalgate's is fixed, so renders stay reproducible. */
const LOREM = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>";

function notSupported(name: string) {
  return () => {
    throw new TemplateRenderError(`evalgate does not support ${name}()`, "TemplateRuntimeError");
  };
}

export const TEMPLATE_GLOBALS: Record<string, unknown> = {
  range: new PyFunction("range", (args) => makeRange(args), undefined, "<function safe_range>"),
  dict: new PyFunction("dict", makeDict, undefined, "<class 'dict'>"),
  namespace: new PyFunction(
    "namespace",
    makeNamespace,
    undefined,
    "<class 'jinja2.utils.Namespace'>",
  ),
  joiner: new PyFunction("joiner", makeJoiner, undefined, "<class 'jinja2.utils.Joiner'>"),
  lipsum: new PyFunction("lipsum", () => LOREM, undefined, "<function generate_lorem_ipsum>"),
  cycler: new PyFunction(
    "cycler",
    notSupported("cycler"),
    undefined,
    "<class 'jinja2.utils.Cycler'>",
  ),
};

/**
 * `a.b` and `a[b]` with Jinja2's sandboxed lookup rules: attribute access tries the Python
 * attribute (a method) first and falls back to the item; subscription tries the item first.
 * Dicts are read through own properties only and names that look like Python or JS internals
 * are refused, so a template cannot climb from data into the host runtime.
 */
import { formatValue } from "./python-format.js";
import {
  DICT_METHODS,
  type Kwargs,
  LIST_METHODS,
  MUTATING_METHODS,
  PyFunction,
  STRING_METHODS,
  TUPLE_METHODS,
} from "./python-methods.js";
import { pySlice, typeError } from "./python-operators.js";
import {
  codePoints,
  isMapping,
  isNumeric,
  isTuple,
  mappingGet,
  Namespace,
  PyFloat,
  pyRepr,
  pyStr,
  toNumber,
  typeName,
  Undefined,
} from "./python-values.js";
import { isGatewaySandbox } from "./sandbox-policy.js";
import { TemplateRenderError, TemplateSecurityError } from "./template-errors.js";

/** Implemented by engine objects that expose Python attributes (`loop`, groupby tuples, …). */
export interface PythonAttributes {
  pythonAttribute(name: string): unknown;
}

export const MISSING = Symbol("missing attribute");

function hasPythonAttributes(value: unknown): value is PythonAttributes {
  return typeof (value as Partial<PythonAttributes> | null)?.pythonAttribute === "function";
}

function isUnsafeName(name: string): boolean {
  return name.startsWith("__") || name === "constructor" || name === "prototype";
}

function missingAttribute(owner: unknown, name: string | number): Undefined {
  return new Undefined(name, { owner, hasOwner: true });
}

function unsafe(owner: unknown, name: string): Undefined {
  return new Undefined(name, {
    owner,
    hasOwner: true,
    security: "unsafe_attribute",
    hint: `access to attribute '${name}' of '${typeName(owner)}' object is unsafe.`,
  });
}

function modifiesKnownMutable(owner: unknown, name: string): boolean {
  if (Array.isArray(owner)) return !isTuple(owner) && MUTATING_METHODS.list.has(name);
  return isMapping(owner) && MUTATING_METHODS.dict.has(name);
}

/**
 * The gateway's `is_safe_attribute`: a callable attribute (a method) is unsafe, so it reads as
 * an Undefined that prints "" and refuses any further use. `str.format` is exempt, as in Jinja2
 * (the sandbox wraps it before asking), and is refused when called.
 */
function checked(owner: unknown, name: string, attribute: unknown): unknown {
  if (!(attribute instanceof PyFunction) || !isGatewaySandbox() || name === "format") {
    return attribute;
  }
  return new Undefined(name, {
    owner,
    hasOwner: true,
    security: modifiesKnownMutable(owner, name) ? "mutation" : "callable_attribute",
    hint: `access to attribute '${name}' of '${typeName(owner)}' object is unsafe.`,
  });
}

function bind<T>(
  owner: T,
  name: string,
  method: (self: T, args: unknown[], kwargs: Kwargs) => unknown,
): PyFunction {
  return new PyFunction(name, (args, kwargs) => method(owner, args, kwargs), typeName(owner));
}

/** Python attribute lookup only (no item fallback); MISSING when there is none. */
function pythonAttribute(owner: unknown, name: string): unknown {
  if (typeof owner === "string") {
    if (name === "format") {
      return new PyFunction(
        name,
        (args, kwargs) => strFormat(owner, args, kwargs),
        "str",
        "<function str.format>",
      );
    }
    const method = STRING_METHODS[name];
    return method ? bind(owner, name, method) : MISSING;
  }
  if (Array.isArray(owner)) {
    const fields = (owner as { fields?: string[] }).fields;
    const field = fields?.indexOf(name) ?? -1;
    if (field >= 0) return owner[field];
    const method = (isTuple(owner) ? TUPLE_METHODS : LIST_METHODS)[name];
    return method ? bind(owner, name, method) : MISSING;
  }
  if (isMapping(owner)) {
    const method = Object.hasOwn(DICT_METHODS, name) ? DICT_METHODS[name] : undefined;
    return method ? bind(owner, name, method) : MISSING;
  }
  if (owner instanceof Namespace) return owner.attrs.has(name) ? owner.attrs.get(name) : MISSING;
  if (hasPythonAttributes(owner)) return owner.pythonAttribute(name);
  if (isNumeric(owner) && (name === "real" || name === "imag")) {
    return name === "real"
      ? owner
      : owner instanceof PyFloat || !Number.isInteger(owner)
        ? new PyFloat(0)
        : 0;
  }
  return MISSING;
}

/** Python `getattr` without the item fallback (Jinja2's `attr` filter). */
export function getPythonAttribute(owner: unknown, name: string): unknown {
  if (owner instanceof Undefined) owner.fail();
  if (isUnsafeName(name)) return unsafe(owner, name);
  const attribute = pythonAttribute(owner, name);
  return attribute === MISSING ? missingAttribute(owner, name) : checked(owner, name, attribute);
}

/** `obj.name` — Jinja2's `SandboxedEnvironment.getattr`. */
export function getAttribute(owner: unknown, name: string): unknown {
  if (owner instanceof Undefined) owner.fail();
  if (isUnsafeName(name)) return unsafe(owner, name);
  const attribute = pythonAttribute(owner, name);
  if (attribute !== MISSING) return checked(owner, name, attribute);
  if (isMapping(owner)) {
    const value = mappingGet(owner, name);
    if (value !== undefined) return value;
  }
  return missingAttribute(owner, name);
}

/** `obj[key]` — Jinja2's `SandboxedEnvironment.getitem`. */
export function getItem(owner: unknown, key: unknown): unknown {
  if (owner instanceof Undefined) owner.fail();
  if (key instanceof Undefined) key.fail();
  if (isMapping(owner)) {
    // A host `undefined` (absent optional field) reads as missing, as if the key were not there.
    const value = mappingGet(owner, key);
    if (value !== undefined) return value;
  } else if (typeof owner === "string" || Array.isArray(owner)) {
    if (typeof key === "number" || typeof key === "boolean") {
      if (!Number.isInteger(toNumber(key))) return missingAttribute(owner, key as number);
      const items = typeof owner === "string" ? codePoints(owner) : owner;
      const index = toNumber(key);
      const resolved = index < 0 ? items.length + index : index;
      if (resolved >= 0 && resolved < items.length) return fromHost(items[resolved]);
      return missingAttribute(owner, index);
    }
  }
  if (typeof key === "string") {
    if (isUnsafeName(key)) return unsafe(owner, key);
    const attribute = pythonAttribute(owner, key);
    if (attribute !== MISSING) return checked(owner, key, attribute);
    return missingAttribute(owner, key);
  }
  return missingAttribute(owner, key as number);
}

export function sliceItem(owner: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  if (owner instanceof Undefined) owner.fail();
  return pySlice(owner, start, stop, step);
}

function fromHost(value: unknown): unknown {
  return value === undefined ? null : value;
}

/** Python's `str.format` (Jinja2's sandbox allows it with safe field lookups). */
function strFormat(template: string, args: unknown[], kwargs: Kwargs): string {
  let auto = 0;
  const field = (spec: string): string => {
    const match = /^([^.[!:]*)((?:\.[^.[!:]+|\[[^\]]*\])*)(?:!([rsa]))?(?::(.*))?$/s.exec(spec);
    if (!match) throw new TemplateRenderError(`invalid format field '${spec}'`, "ValueError");
    const [, head = "", path = "", conversion, formatSpec = ""] = match;
    let value: unknown;
    if (head === "") value = args[auto++];
    else if (/^\d+$/.test(head)) value = args[Number(head)];
    else if (Object.hasOwn(kwargs, head)) value = kwargs[head];
    else throw new TemplateRenderError(pyRepr(head), "KeyError");
    if (value === undefined) {
      throw new TemplateRenderError(
        "Replacement index out of range for positional args tuple",
        "IndexError",
      );
    }
    for (const part of path.matchAll(/\.([^.[]+)|\[([^\]]*)\]/g)) {
      if (part[1] !== undefined) value = getAttribute(value, part[1]);
      else value = getItem(value, /^\d+$/.test(part[2]!) ? Number(part[2]) : part[2]);
      if (value instanceof Undefined) value.fail();
    }
    if (conversion === "r" || conversion === "a") return formatValue(pyRepr(value), formatSpec);
    if (conversion === "s") return formatValue(pyStr(value), formatSpec);
    return formatValue(value, formatSpec);
  };
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch === "{" && template[i + 1] === "{") {
      out += "{";
      i++;
    } else if (ch === "}" && template[i + 1] === "}") {
      out += "}";
      i++;
    } else if (ch === "{") {
      const close = template.indexOf("}", i);
      if (close < 0)
        throw new TemplateRenderError("expected '}' before end of string", "ValueError");
      out += field(template.slice(i + 1, close));
      i = close;
    } else if (ch === "}") {
      throw new TemplateRenderError("Single '}' encountered in format string", "ValueError");
    } else out += ch;
  }
  return out;
}

/** Python's repr of a refused callee, as the sandbox's "… is not safely callable" shows it. */
function calleeRepr(callee: unknown): string {
  if (callee instanceof Undefined) return "Undefined";
  return callee instanceof PyFunction ? callee.toString() : pyRepr(callee);
}

/**
 * Calling a value. The gateway's sandbox refuses every call (`is_safe_callable` is False); the
 * legacy one calls engine-made callables only, so a template cannot reach host functions.
 */
export function callValue(callee: unknown, args: unknown[], kwargs: Kwargs): unknown {
  if (isGatewaySandbox()) {
    const mutation = callee instanceof Undefined && callee.options.security === "mutation";
    throw new TemplateSecurityError(
      `${calleeRepr(callee)} is not safely callable`,
      mutation ? "mutation" : "call",
    );
  }
  if (callee instanceof Undefined) callee.fail();
  if (callee instanceof PyFunction) return callee.invoke(args, kwargs);
  throw typeError(`'${typeName(callee)}' object is not callable`);
}

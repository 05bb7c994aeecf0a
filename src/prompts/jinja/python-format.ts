/**
 * Python string formatting: `'%s' % x` (printf style), `str.format()` and exactly rounded
 * float formatting. Python rounds the exact binary value half-to-even (`'%.1f' % 2.25` is
 * `2.2`); JS `toFixed` rounds ties up, so digits are computed with BigInt instead.
 */
import {
  isMapping,
  isNumeric,
  isPyFloat,
  isTuple,
  mappingGet,
  mappingHas,
  pyRepr,
  pyStr,
  strLength,
  toNumber,
  typeName,
} from "./python-values.js";
import { TemplateRenderError } from "./template-errors.js";

function formatError(message: string, type = "ValueError"): TemplateRenderError {
  return new TemplateRenderError(message, type);
}

/** |x| as the exact rational mantissa·2^exponent. */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (exponentBits === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: exponentBits - 1075 };
}

/** round_half_even(|x| · 10^scale) computed exactly. */
function scaledRound(x: number, scale: number): bigint {
  const { mantissa, exponent } = decompose(x);
  let numerator = mantissa;
  let denominator = 1n;
  if (exponent >= 0) numerator <<= BigInt(exponent);
  else denominator <<= BigInt(-exponent);
  if (scale >= 0) numerator *= 10n ** BigInt(scale);
  else denominator *= 10n ** BigInt(-scale);
  let quotient = numerator / denominator;
  const twice = (numerator % denominator) * 2n;
  if (twice > denominator || (twice === denominator && (quotient & 1n) === 1n)) quotient += 1n;
  return quotient;
}

function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? "-" : "";
}

function nonFinite(x: number): string | undefined {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  return undefined;
}

/** `'%.{digits}f' % x` without the sign. */
function fixedDigits(x: number, digits: number): string {
  const text = scaledRound(x, digits)
    .toString()
    .padStart(digits + 1, "0");
  return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

export function formatFixed(x: number, digits: number): string {
  return nonFinite(x) ?? signOf(x) + fixedDigits(x, digits);
}

/** Significant digits and decimal exponent of |x| rounded to `digits + 1` figures. */
function scientificParts(x: number, digits: number): { body: string; exponent: number } {
  if (x === 0) return { body: "0".repeat(digits + 1), exponent: 0 };
  let exponent = Math.floor(Math.log10(Math.abs(x)));
  for (let attempt = 0; attempt < 3; attempt++) {
    const q = scaledRound(x, digits - exponent);
    const text = q.toString();
    if (text.length === digits + 2) exponent += 1;
    else if (text.length === digits) exponent -= 1;
    else return { body: text, exponent };
  }
  return { body: scaledRound(x, digits - exponent).toString(), exponent };
}

function exponentSuffix(exponent: number, upper: boolean): string {
  const magnitude = String(Math.abs(exponent)).padStart(2, "0");
  return `${upper ? "E" : "e"}${exponent < 0 ? "-" : "+"}${magnitude}`;
}

export function formatScientific(x: number, digits: number, upper = false, alternate = false) {
  const special = nonFinite(x);
  if (special) return upper ? special.toUpperCase() : special;
  const { body, exponent } = scientificParts(x, digits);
  const point = digits > 0 || alternate ? "." : "";
  return `${signOf(x)}${body[0]}${point}${body.slice(1)}${exponentSuffix(exponent, upper)}`;
}

export function formatGeneral(x: number, precision: number, upper = false, alternate = false) {
  const special = nonFinite(x);
  if (special) return upper ? special.toUpperCase() : special;
  const p = precision === 0 ? 1 : precision;
  const { exponent } = scientificParts(x, p - 1);
  const strip = (text: string) => (alternate ? text : text.replace(/\.?0+(?=$|e|E)/, ""));
  if (exponent >= -4 && exponent < p) {
    const fixed = signOf(x) + fixedDigits(x, p - 1 - exponent);
    return fixed.includes(".") ? strip(fixed) : fixed;
  }
  return strip(formatScientific(x, p - 1, upper, alternate));
}

function toInteger(value: unknown, spec: string): number {
  if (!isNumeric(value)) {
    throw formatError(
      `%${spec} format: a real number is required, not ${typeName(value)}`,
      "TypeError",
    );
  }
  return Math.trunc(toNumber(value));
}

function toFloat(value: unknown, spec: string): number {
  if (!isNumeric(value)) {
    throw formatError(`must be real number, not ${typeName(value)}`, "TypeError");
  }
  void spec;
  return toNumber(value);
}

const PERCENT_SPEC =
  /%(?:\(([^)]*)\))?([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g;

/** Python's `format % args`. */
export function percentFormat(format: string, args: unknown): string {
  const positional = isTuple(args) ? args : [args];
  const byName = isMapping(args) ? args : null;
  let index = 0;
  let usedMapping = false;
  const take = (): unknown => {
    if (index >= positional.length) {
      throw formatError("not enough arguments for format string", "TypeError");
    }
    return positional[index++];
  };
  const out = format.replace(PERCENT_SPEC, (_m, key, flags: string, width, precision, type) => {
    if (type === "%") return "%";
    let value: unknown;
    if (key !== undefined) {
      if (!byName) throw formatError("format requires a mapping", "TypeError");
      if (!mappingHas(byName, key)) throw new TemplateRenderError(pyRepr(key), "KeyError");
      value = mappingGet(byName, key);
      usedMapping = true;
    } else value = take();
    const w = width === "*" ? toInteger(take(), "*") : width ? Number(width) : 0;
    const p =
      precision === "*" ? toInteger(take(), "*") : precision ? Number(precision) : undefined;
    let text = convertPercent(value, type, flags, p);
    const numeric = !"srac".includes(type);
    if (numeric && flags.includes("+") && !text.startsWith("-")) text = `+${text}`;
    else if (numeric && flags.includes(" ") && !text.startsWith("-")) text = ` ${text}`;
    return pad(
      text,
      w,
      flags.includes("-") ? "<" : numeric && flags.includes("0") ? "=" : ">",
      flags.includes("-") ? " " : numeric && flags.includes("0") ? "0" : " ",
    );
  });
  if (!byName && index < positional.length) {
    throw formatError("not all arguments converted during string formatting", "TypeError");
  }
  void usedMapping;
  return out;
}

function convertPercent(value: unknown, type: string, flags: string, precision?: number): string {
  const alternate = flags.includes("#");
  switch (type) {
    case "s": {
      const text = pyStr(value);
      return precision === undefined ? text : Array.from(text).slice(0, precision).join("");
    }
    case "r":
    case "a":
      return pyRepr(value);
    case "c":
      return typeof value === "string" ? value : String.fromCodePoint(toInteger(value, type));
    case "d":
    case "i":
    case "u":
      return String(toInteger(value, type));
    case "x":
    case "X":
    case "o": {
      if (isPyFloat(value))
        throw formatError(`%${type} format: an integer is required, not float`, "TypeError");
      const n = toInteger(value, type);
      const digits = Math.abs(n).toString(type === "o" ? 8 : 16);
      const prefix = alternate ? (type === "o" ? "0o" : type === "x" ? "0x" : "0X") : "";
      const body = prefix + (type === "X" ? digits.toUpperCase() : digits);
      return (n < 0 ? "-" : "") + body;
    }
    case "f":
    case "F":
      return formatFixed(toFloat(value, type), precision ?? 6);
    case "e":
    case "E":
      return formatScientific(toFloat(value, type), precision ?? 6, type === "E", alternate);
    default:
      return formatGeneral(toFloat(value, type), precision ?? 6, type === "G", alternate);
  }
}

function pad(text: string, width: number, align: string, fill: string): string {
  const missing = width - strLength(text);
  if (missing <= 0) return text;
  if (align === "<") return text + fill.repeat(missing);
  if (align === "^") {
    const left = Math.floor(missing / 2);
    return fill.repeat(left) + text + fill.repeat(missing - left);
  }
  if (align === "=") {
    const sign = /^[-+ ]/.test(text) ? text[0]! : "";
    return sign + fill.repeat(missing) + text.slice(sign.length);
  }
  return fill.repeat(missing) + text;
}

const FORMAT_SPEC =
  /^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su;

/** Python's `format(value, spec)` mini-language (the common subset). */
export function formatValue(value: unknown, spec: string): string {
  if (spec === "") return pyStr(value);
  const m = FORMAT_SPEC.exec(spec);
  if (!m)
    throw formatError(`Invalid format specifier '${spec}' for object of type '${typeName(value)}'`);
  const [, fillChar, alignChar, sign, alternate, zero, width, grouping, precisionText, typeChar] =
    m;
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  let type = typeChar;
  let text: string;
  const numeric = isNumeric(value);
  if (typeof value === "string" || !numeric) {
    if (type && type !== "s")
      throw formatError(`Unknown format code '${type}' for object of type '${typeName(value)}'`);
    text = pyStr(value);
    if (precision !== undefined) text = Array.from(text).slice(0, precision).join("");
  } else {
    const n = toNumber(value);
    if (type === undefined) type = isPyFloat(value) ? (precision === undefined ? "r" : "g") : "d";
    if (type === "d" || type === "n") text = String(Math.trunc(n));
    else if (type === "x" || type === "X" || type === "o" || type === "b") {
      const base = type === "o" ? 8 : type === "b" ? 2 : 16;
      const digits = Math.abs(Math.trunc(n)).toString(base);
      const prefix = alternate ? `0${type === "X" ? "X" : type}` : "";
      text = (n < 0 ? "-" : "") + prefix + (type === "X" ? digits.toUpperCase() : digits);
    } else if (type === "c") text = String.fromCodePoint(n);
    else if (type === "f" || type === "F") text = formatFixed(n, precision ?? 6);
    else if (type === "e" || type === "E") text = formatScientific(n, precision ?? 6, type === "E");
    else if (type === "%") text = `${formatFixed(n * 100, precision ?? 6)}%`;
    else if (type === "r") text = pyStr(value);
    else text = formatGeneral(n, precision ?? 6, type === "G");
    if (grouping) {
      text = text.replace(
        /^(-?)(\d+)/,
        (_all, s: string, digits: string) => s + digits.replace(/\B(?=(\d{3})+$)/g, grouping),
      );
    }
    if (sign === "+" && !text.startsWith("-")) text = `+${text}`;
    else if (sign === " " && !text.startsWith("-")) text = ` ${text}`;
  }
  const align = alignChar ?? (zero && numeric ? "=" : numeric ? ">" : "<");
  const fill = fillChar ?? (zero && !alignChar ? "0" : " ");
  return pad(text, width ? Number(width) : 0, align, fill);
}

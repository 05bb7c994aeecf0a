import type { ScalarTag } from "yaml";

/**
 * Plain scalars resolved exactly as PyYAML 6.0.3 `yaml.safe_load` resolves them: the implicit
 * resolvers of yaml/resolver.py (`Resolver.add_implicit_resolver`, YAML 1.1) and the
 * constructors of yaml/constructor.py (`SafeConstructor.construct_yaml_*`). The AI gateway
 * reads its prompt definitions and feature metadata with `safe_load`, so `8_192` is the int
 * 8192, `on` is True, `0755` is 493 and `1e3` is the string "1e3" (PyYAML's float needs a dot).
 *
 * A timestamp becomes the string Python's `str()` gives the date or datetime PyYAML builds
 * (`2001-12-14t21:59:43.10-05:00` → "2001-12-14 21:59:43.100000-05:00"), which is what Jinja
 * prints for it; comparing or formatting it as a date in a template is not supported.
 */

/** The kind of value a scalar resolved to, as Python would type it. */
export type PyScalarKind = "str" | "int" | "float" | "bool" | "null" | "timestamp";

const TAG = "tag:yaml.org,2002:";

/** `<<` as a key: PyYAML's merge key. Anywhere else it has no constructor (an error). */
export const MERGE_KEY: unique symbol = Symbol("<<");
/** `=` as a key is the string "="; anywhere else it has no constructor (an error). */
export const VALUE_KEY: unique symbol = Symbol("=");

// The regexes of yaml/resolver.py with the re.X whitespace removed.
const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;
// SafeConstructor.timestamp_regexp
const TIMESTAMP_PARTS =
  /^([0-9][0-9][0-9][0-9])-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?)?$/;

type OnError = (message: string) => void;

function splitSign(text: string): { sign: 1 | -1; digits: string } {
  const sign = text.startsWith("-") ? -1 : 1;
  return { sign, digits: /^[-+]/.test(text) ? text.slice(1) : text };
}

function sexagesimal(parts: number[]): number {
  return parts.reduce((total, part) => total * 60 + part, 0);
}

/** SafeConstructor.construct_yaml_int (Python int() parsing of each branch). */
function constructInt(text: string, onError: OnError): number {
  const { sign, digits } = splitSign(text.replaceAll("_", ""));
  const parse = (body: string, pattern: RegExp, radix: number): number => {
    if (!pattern.test(body)) {
      onError(`"${text}" is not an integer as PyYAML reads it`);
      return 0;
    }
    return sign * Number.parseInt(body, radix);
  };
  if (digits === "0") return 0;
  if (digits.startsWith("0b")) return parse(digits.slice(2), /^[01]+$/, 2);
  if (digits.startsWith("0x")) return parse(digits.slice(2), /^[0-9a-fA-F]+$/, 16);
  if (digits.startsWith("0")) return parse(digits.replace(/^0o/, ""), /^[0-7]+$/, 8);
  if (digits.includes(":")) {
    const parts = digits.split(":");
    if (!parts.every((p) => /^[0-9]+$/.test(p))) return parse("", /x/, 10);
    return sign * sexagesimal(parts.map(Number));
  }
  return parse(digits, /^[0-9]+$/, 10);
}

/** SafeConstructor.construct_yaml_float (Python float() parsing). */
function constructFloat(text: string, onError: OnError): number {
  const { sign, digits } = splitSign(text.replaceAll("_", "").toLowerCase());
  if (digits === ".inf") return sign * Number.POSITIVE_INFINITY;
  if (digits === ".nan") return Number.NaN;
  const pyFloat = /^(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[-+]?[0-9]+)?|inf(?:inity)?|nan)$/;
  if (digits.includes(":")) {
    const parts = digits.split(":");
    if (parts.every((p) => pyFloat.test(p))) return sign * sexagesimal(parts.map(Number));
  } else if (pyFloat.test(digits)) {
    if (digits.startsWith("inf")) return sign * Number.POSITIVE_INFINITY;
    return digits === "nan" ? Number.NaN : sign * Number(digits);
  }
  onError(`"${text}" is not a float as PyYAML reads it`);
  return 0;
}

function twoDigits(n: number): string {
  return String(n).padStart(2, "0");
}

/** SafeConstructor.construct_yaml_timestamp, then Python's str() of the date or datetime. */
function constructTimestamp(text: string, onError: OnError): string {
  const m = TIMESTAMP_PARTS.exec(text);
  if (!m) {
    onError(`"${text}" is not a timestamp as PyYAML reads it`);
    return text;
  }
  const [year, month, day] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || year < 1) {
    onError(`"${text}" is not a valid date (PyYAML fails on it too); quote it to keep it a string`);
    return text;
  }
  const date = `${String(year).padStart(4, "0")}-${twoDigits(month)}-${twoDigits(day)}`;
  if (m[4] === undefined) return date;
  const [hour, minute, second] = [m[4], m[5], m[6]].map(Number) as [number, number, number];
  if (hour > 23 || minute > 59 || second > 59) {
    onError(`"${text}" is not a valid time (PyYAML fails on it too); quote it to keep it a string`);
    return text;
  }
  const micro = (m[7] ?? "").slice(0, 6).padEnd(6, "0");
  let result = `${date} ${twoDigits(hour)}:${twoDigits(minute)}:${twoDigits(second)}`;
  if (Number(micro) > 0) result += `.${micro}`;
  if (m[8] === "Z") return `${result}+00:00`;
  if (m[9] !== undefined) {
    const offset = Number(m[10]) * 60 + Number(m[11] ?? 0);
    if (offset >= 24 * 60) {
      onError(`"${text}" has a UTC offset of 24 hours or more (PyYAML fails on it too)`);
      return text;
    }
    result += `${m[9] === "-" && offset > 0 ? "-" : "+"}${twoDigits(Math.floor(offset / 60))}:${twoDigits(offset % 60)}`;
  }
  return result;
}

function constructBool(text: string, onError: OnError): boolean {
  const value = ({ yes: true, no: false, true: true, false: false, on: true, off: false } as const)[
    text.toLowerCase() as "yes"
  ];
  if (value === undefined) onError(`"${text}" is not a bool as PyYAML reads it`);
  return value ?? false;
}

interface Kind {
  kind: PyScalarKind;
  test: RegExp;
  construct: (text: string, onError: OnError) => unknown;
}

/** In the order PyYAML tries them (each scalar matches at most one). */
const KINDS: readonly Kind[] = [
  { kind: "bool", test: BOOL, construct: constructBool },
  { kind: "float", test: FLOAT, construct: constructFloat },
  { kind: "int", test: INT, construct: constructInt },
  { kind: "null", test: NULL, construct: () => null },
  { kind: "timestamp", test: TIMESTAMP, construct: constructTimestamp },
];

/** The tags PyYAML's SafeConstructor knows for scalars, by full name. */
export const PYYAML_SCALAR_TAGS: ReadonlyMap<string, PyScalarKind> = new Map([
  ...KINDS.map((k): [string, PyScalarKind] => [`${TAG}${k.kind}`, k.kind]),
  [`${TAG}str`, "str"],
]);

/** The tags PyYAML's SafeConstructor builds collections for (set/omap/pairs are refused). */
export const PYYAML_COLLECTION_TAGS: ReadonlySet<string> = new Set([`${TAG}map`, `${TAG}seq`]);

/** The kind PyYAML resolves a scalar to, from its explicit tag or (plain scalars) its text. */
export function pyScalarKind(
  source: string,
  plain: boolean,
  tag: string | undefined,
): PyScalarKind {
  if (tag !== undefined) return PYYAML_SCALAR_TAGS.get(tag) ?? "str";
  if (!plain) return "str";
  return KINDS.find((k) => k.test.test(source))?.kind ?? "str";
}

/** A plain scalar resolved as PyYAML resolves it (for the non-specific tag `! 12`, still 12). */
export function resolvePlainScalar(
  text: string,
  onError: OnError,
): { value: unknown; kind: PyScalarKind } {
  const kind = KINDS.find((k) => k.test.test(text));
  return kind
    ? { value: kind.construct(text, onError), kind: kind.kind }
    : { value: text, kind: "str" };
}

/**
 * The "pyyaml-safe" custom tags for the `yaml` library (`schema: "failsafe"`, `customTags`):
 * one implicit tag per PyYAML resolver (`default` + `test`), one explicit tag per constructor
 * (`!!int "12"` is 12), plus the merge key `<<` and the value key `=`.
 */
export const pyyamlSafeTags: ScalarTag[] = [
  ...KINDS.map(
    (k): ScalarTag => ({
      tag: `${TAG}${k.kind}`,
      default: true,
      test: k.test,
      resolve: (text, onError) => k.construct(text, onError),
    }),
  ),
  { tag: `${TAG}merge`, default: true, test: /^<<$/, resolve: () => MERGE_KEY },
  { tag: `${TAG}value`, default: true, test: /^=$/, resolve: () => VALUE_KEY },
  // Explicit tags run the constructor on any text, as PyYAML does (`!!null x` is None).
  ...KINDS.map(
    (k): ScalarTag => ({
      tag: `${TAG}${k.kind}`,
      resolve: (text, onError) => k.construct(text, onError),
    }),
  ),
];

/** Python's repr() of a float, for keys and typed dumps: 1.0, 1e+16, inf, nan, -0.0. */
export function pyFloatRepr(n: number): string {
  if (Number.isNaN(n)) return "nan";
  if (!Number.isFinite(n)) return n > 0 ? "inf" : "-inf";
  if (n === 0) return Object.is(n, -0) ? "-0.0" : "0.0";
  const [mantissa, exp] = n.toExponential().split("e") as [string, string];
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 16) {
    return `${mantissa}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  const fixed = String(n);
  return /[.e]/.test(fixed) ? fixed : `${fixed}.0`;
}

/** Python's str() of a resolved scalar, used when it is a mapping key (keys are strings here). */
export function pyKeyString(value: unknown, kind: PyScalarKind): string {
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (kind === "float" && typeof value === "number") return pyFloatRepr(value);
  return String(value);
}

/**
 * Poetry-style version constraints, as the AI gateway applies them to prompt versions.
 * Own code rather than the `semver` package: npm's caret/tilde and pre-release rules differ
 * from poetry's (`^0.0` is <0.1.0 in poetry; `~1` is <2.0.0), and the gateway uses poetry's.
 *
 * Pre-releases (`1.1.0-rc1`, `2.0.0-dev`) are selected only by a constraint that names
 * exactly that version (`1.1.0-rc1` or `==1.1.0-rc1`); no range ever selects one.
 */
import { UserError } from "../core/errors.js";

export interface Version {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release tag without the leading `-` (lower-cased), or undefined for a release. */
  pre: string | undefined;
  /** The text it was parsed from. */
  text: string;
}

/** A version file name: `1.0.0`, `1.1.0-rc1`, `2.0.0-dev`, optionally `+build` metadata. */
const FULL_VERSION = /^(\d+)\.(\d+)\.(\d+)(?:-?([0-9A-Za-z][0-9A-Za-z.-]*))?(?:\+[0-9A-Za-z.-]+)?$/;
/** In constraints a version may be partial (`1`, `1.2`): poetry pads with zeros. */
const PARTIAL_VERSION =
  /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-?([0-9A-Za-z][0-9A-Za-z.-]*))?(?:\+[0-9A-Za-z.-]+)?$/;

/** True when `text` is a full version (`1.0.2`, `1.1.0-rc1`): such a YAML basename is versioned. */
export function isVersionName(text: string): boolean {
  return FULL_VERSION.test(text);
}

/** Parse a full version; undefined when `text` is not one. */
export function parseVersion(text: string): Version | undefined {
  const m = FULL_VERSION.exec(text);
  if (!m) return undefined;
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    pre: m[4]?.toLowerCase(),
    text,
  };
}

interface PartialVersion {
  version: Version;
  /** How many of major/minor/patch were written (1–3). */
  precision: number;
}

function parsePartial(text: string): PartialVersion | undefined {
  const m = PARTIAL_VERSION.exec(text);
  if (!m) return undefined;
  const precision = m[3] !== undefined ? 3 : m[2] !== undefined ? 2 : 1;
  // A pre-release tag only makes sense on a full version.
  if (m[4] !== undefined && precision < 3) return undefined;
  return {
    version: {
      major: Number(m[1]),
      minor: Number(m[2] ?? 0),
      patch: Number(m[3] ?? 0),
      pre: m[4]?.toLowerCase(),
      text,
    },
    precision,
  };
}

// Natural order inside a tag so that rc2 < rc10, as people who write them expect.
function comparePreTags(a: string, b: string): number {
  const ta = a.match(/\d+|\D+/g) ?? [];
  const tb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i]!;
    const y = tb[i]!;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) {
      const d = Number(x) - Number(y);
      if (d !== 0) return Math.sign(d);
    } else if (nx !== ny) {
      return nx ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return Math.sign(ta.length - tb.length);
}

/** Semver precedence: a pre-release sorts before its release. Build metadata is ignored. */
export function compareVersions(a: Version, b: Version): number {
  const d = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (d !== 0) return Math.sign(d);
  if (a.pre === b.pre) return 0;
  if (a.pre === undefined) return 1;
  if (b.pre === undefined) return -1;
  return comparePreTags(a.pre, b.pre);
}

function sameVersion(a: Version, b: Version): boolean {
  return compareVersions(a, b) === 0;
}

type Bound = { version: Version; inclusive: boolean };

/** One clause: a half-open range, an exclusion or an exact version. */
interface Clause {
  min?: Bound;
  max?: Bound;
  /** `!=` clauses: the excluded range [min, max). */
  exclude?: { min: Version; max?: Version };
  /** Set when the clause names one exact version: only such a clause may select a pre-release. */
  exact?: Version;
}

export interface VersionConstraint {
  /** The constraint as written. */
  text: string;
  allows(version: Version): boolean;
}

function release(major: number, minor: number, patch: number): Version {
  return { major, minor, patch, pre: undefined, text: `${major}.${minor}.${patch}` };
}
function nextMajor(v: Version): Version {
  return release(v.major + 1, 0, 0);
}
function nextMinor(v: Version): Version {
  return release(v.major, v.minor + 1, 0);
}
function nextPatch(v: Version): Version {
  return release(v.major, v.minor, v.patch + 1);
}

/** The upper bound of a wildcard or `==1.2`-style partial: the next version at its precision. */
function nextAtPrecision(p: PartialVersion): Version {
  if (p.precision === 1) return nextMajor(p.version);
  if (p.precision === 2) return nextMinor(p.version);
  return nextPatch(p.version);
}

function invalid(text: string, why: string): UserError {
  return new UserError(
    `invalid version constraint "${text}": ${why}. Write an exact version (1.0.2 or ==1.0.2), a caret (^1.0.0), a tilde (~1.2), a wildcard (1.*) or a range (>=1.0.0,<2.0.0)`,
  );
}

function parseClause(whole: string, clause: string): Clause {
  if (clause === "*") return {};
  const m = /^(\^|~=|~|==|=|!=|>=|<=|>|<)?(.*)$/.exec(clause)!;
  const op = m[1] ?? "";
  let body = m[2]!;
  const wildcard = /^(\d+(?:\.\d+)?)\.\*$/.exec(body);
  if (wildcard) {
    if (op !== "" && op !== "==" && op !== "=" && op !== "!=") {
      throw invalid(whole, `"${clause}" combines ${op} with a wildcard`);
    }
    const base = parsePartial(wildcard[1]!)!;
    const upper = nextAtPrecision(base);
    if (op === "!=") return { exclude: { min: base.version, max: upper } };
    return {
      min: { version: base.version, inclusive: true },
      max: { version: upper, inclusive: false },
    };
  }
  if (body === "") throw invalid(whole, `"${clause}" has no version`);
  body = body.replace(/^v/i, "");
  const p = parsePartial(body);
  if (!p) throw invalid(whole, `"${body}" is not a version`);
  const v = p.version;
  switch (op) {
    case "^": {
      // poetry's next_breaking: the first non-zero written component is the one that may not change.
      const upper =
        v.major > 0 || p.precision === 1
          ? nextMajor(v)
          : v.minor > 0 || p.precision === 2
            ? nextMinor(v)
            : nextPatch(v);
      return { min: { version: v, inclusive: true }, max: { version: upper, inclusive: false } };
    }
    case "~": {
      const upper = p.precision === 1 ? nextMajor(v) : nextMinor(v);
      return { min: { version: v, inclusive: true }, max: { version: upper, inclusive: false } };
    }
    case "~=": {
      if (p.precision === 1) throw invalid(whole, `"~=" needs at least major.minor`);
      const upper = p.precision === 2 ? nextMajor(v) : nextMinor(v);
      return { min: { version: v, inclusive: true }, max: { version: upper, inclusive: false } };
    }
    case ">=":
      return { min: { version: v, inclusive: true } };
    case ">":
      return { min: { version: v, inclusive: false } };
    case "<=":
      return { max: { version: v, inclusive: true } };
    case "<":
      return { max: { version: v, inclusive: false } };
    case "!=":
      return { exclude: { min: v, max: p.precision === 3 ? undefined : nextAtPrecision(p) } };
    default:
      // Bare, `=` or `==`: an exact version; `==1.2` means the 1.2.0 release.
      return {
        min: { version: v, inclusive: true },
        max: { version: v, inclusive: true },
        exact: v,
      };
  }
}

function clauseAllows(c: Clause, v: Version): boolean {
  if (c.exclude) {
    const { min, max } = c.exclude;
    if (max === undefined) return !sameVersion(v, min);
    return compareVersions(v, min) < 0 || compareVersions(v, max) >= 0;
  }
  if (c.min) {
    const d = compareVersions(v, c.min.version);
    if (d < 0 || (d === 0 && !c.min.inclusive)) return false;
  }
  if (c.max) {
    const d = compareVersions(v, c.max.version);
    if (d > 0 || (d === 0 && !c.max.inclusive)) return false;
  }
  return true;
}

/**
 * Parse a constraint. Clauses separated by commas or spaces must all hold; `||` separates
 * alternatives. Throws UserError for anything unparseable.
 */
export function parseVersionConstraint(text: string): VersionConstraint {
  const trimmed = text.trim();
  if (trimmed === "") throw invalid(text, "it is empty");
  const alternatives = trimmed.split("||").map((alt) => {
    // `>= 1.0.0` is the same clause as `>=1.0.0`; join before splitting on spaces.
    const joined = alt.trim().replace(/(\^|~=|~|==|=|!=|>=|<=|>|<)\s+/g, "$1");
    const parts = joined.split(/[\s,]+/).filter((s) => s !== "");
    if (parts.length === 0) throw invalid(text, "an alternative around || is empty");
    return parts.map((part) => parseClause(text, part));
  });
  return {
    text: trimmed,
    allows(v) {
      return alternatives.some((clauses) => {
        if (!clauses.every((c) => clauseAllows(c, v))) return false;
        if (v.pre === undefined) return true;
        return clauses.some((c) => c.exact !== undefined && c.exact.pre === v.pre);
      });
    },
  };
}

/** The default when a feature or command names no version, as in the gateway. */
export const DEFAULT_VERSION_CONSTRAINT = "^1.0.0";

/** Sort version names ascending by precedence (names that are not versions go last). */
export function sortVersionNames(names: Iterable<string>): string[] {
  return [...names].sort((a, b) => {
    const va = parseVersion(a);
    const vb = parseVersion(b);
    if (!va || !vb) return va ? -1 : vb ? 1 : a.localeCompare(b);
    return compareVersions(va, vb) || a.localeCompare(b);
  });
}

/** The highest of `available` that `constraint` allows, or undefined when none does. */
export function selectVersion(
  constraint: string | VersionConstraint,
  available: Iterable<string>,
): string | undefined {
  const c = typeof constraint === "string" ? parseVersionConstraint(constraint) : constraint;
  let best: Version | undefined;
  for (const name of available) {
    const v = parseVersion(name);
    if (!v || !c.allows(v)) continue;
    if (!best || compareVersions(v, best) > 0) best = v;
  }
  return best?.text;
}

import { describe, expect, it } from "vitest";
import { UserError } from "../../src/core/errors.js";
import {
  compareVersions,
  isVersionName,
  parseVersion,
  parseVersionConstraint,
  selectVersion,
  sortVersionNames,
} from "../../src/prompts/version-constraints.js";

function allows(constraint: string, version: string): boolean {
  const v = parseVersion(version);
  if (!v) throw new Error(`test bug: ${version} is not a version`);
  return parseVersionConstraint(constraint).allows(v);
}

// [constraint, version, allowed]
const cases: [string, string, boolean][] = [
  // exact
  ["1.0.2", "1.0.2", true],
  ["1.0.2", "1.0.3", false],
  ["==1.0.2", "1.0.2", true],
  ["==1.0.2", "1.0.1", false],
  ["=1.0.2", "1.0.2", true],
  ["==1.2", "1.2.0", true],
  ["==1.2", "1.2.1", false],
  ["v1.0.2", "1.0.2", true],
  // caret, poetry semantics
  ["^1.2.3", "1.2.3", true],
  ["^1.2.3", "1.9.9", true],
  ["^1.2.3", "1.2.2", false],
  ["^1.2.3", "2.0.0", false],
  ["^0.2.3", "0.2.3", true],
  ["^0.2.3", "0.2.9", true],
  ["^0.2.3", "0.3.0", false],
  ["^0.0.3", "0.0.3", true],
  ["^0.0.3", "0.0.4", false],
  ["^0.0", "0.0.9", true],
  ["^0.0", "0.1.0", false],
  ["^0", "0.9.9", true],
  ["^0", "1.0.0", false],
  ["^1", "1.9.0", true],
  ["^1", "2.0.0", false],
  ["^1.2", "1.2.0", true],
  ["^1.2", "1.1.9", false],
  ["^1.0.0", "1.0.0", true],
  ["^1.0.0", "0.9.9", false],
  // tilde
  ["~1.2.3", "1.2.3", true],
  ["~1.2.3", "1.2.9", true],
  ["~1.2.3", "1.3.0", false],
  ["~1.2.3", "1.2.2", false],
  ["~1.2", "1.2.0", true],
  ["~1.2", "1.2.7", true],
  ["~1.2", "1.3.0", false],
  ["~1", "1.0.0", true],
  ["~1", "1.9.9", true],
  ["~1", "2.0.0", false],
  // PEP 440 compatible release
  ["~=1.2", "1.9.0", true],
  ["~=1.2", "2.0.0", false],
  ["~=1.2.3", "1.2.9", true],
  ["~=1.2.3", "1.3.0", false],
  // wildcards
  ["*", "0.0.1", true],
  ["*", "7.3.1", true],
  ["1.*", "1.0.0", true],
  ["1.*", "1.99.3", true],
  ["1.*", "2.0.0", false],
  ["1.*", "0.9.0", false],
  ["1.2.*", "1.2.5", true],
  ["1.2.*", "1.3.0", false],
  ["==1.2.*", "1.2.0", true],
  ["!=1.2.*", "1.2.4", false],
  ["!=1.2.*", "1.3.0", true],
  // ranges (AND), comma or space separated, with or without spaces after the operator
  [">=1.0.0,<2.0.0", "1.5.0", true],
  [">=1.0.0,<2.0.0", "2.0.0", false],
  [">=1.0.0,<2.0.0", "0.9.0", false],
  [">=1.0.0 <2.0.0", "1.0.0", true],
  [">= 1.0.0, < 2.0.0", "1.9.9", true],
  [">= 1.0.0, < 2.0.0", "2.0.0", false],
  [">1.0.0", "1.0.0", false],
  [">1.0.0", "1.0.1", true],
  ["<=1.0.0", "1.0.0", true],
  ["<=1.0.0", "1.0.1", false],
  [">=1.2", "1.2.0", true],
  [">=1.2", "1.1.9", false],
  // exclusion
  ["!=1.0.1", "1.0.1", false],
  ["!=1.0.1", "1.0.2", true],
  [">=1.0.0,!=1.0.1,<2.0.0", "1.0.1", false],
  [">=1.0.0,!=1.0.1,<2.0.0", "1.0.2", true],
  // alternatives
  ["^1.0.0 || ^3.0.0", "3.1.0", true],
  ["^1.0.0 || ^3.0.0", "2.1.0", false],
  // pre-releases: only when named exactly
  ["1.1.0-rc1", "1.1.0-rc1", true],
  ["==1.1.0-rc1", "1.1.0-rc1", true],
  ["==1.1.0-rc1", "1.1.0-rc2", false],
  ["2.0.0-dev", "2.0.0-dev", true],
  ["^1.0.0", "1.1.0-rc1", false],
  ["^1.1.0-rc1", "1.1.0-rc1", false],
  [">=1.0.0", "2.0.0-dev", false],
  ["*", "1.1.0-rc1", false],
  ["1.*", "1.1.0-rc1", false],
  ["~1.1", "1.1.0-rc1", false],
  ["!=1.0.0", "1.1.0-rc1", false],
  [">=1.0.0,1.1.0-rc1", "1.1.0-rc1", true],
];

describe("version constraints (poetry semantics)", () => {
  it.each(cases)("%s allows %s: %s", (constraint, version, expected) => {
    expect(allows(constraint, version)).toBe(expected);
  });

  it.each([
    "",
    "   ",
    "^",
    "abc",
    ">=1.0.0,<two",
    "1.2.3.4",
    ">=1.*",
    "^1.*",
    "~=1",
    "||",
    "1.0-rc1",
  ])("rejects %j with a UserError that shows valid forms", (constraint) => {
    let caught: unknown;
    try {
      parseVersionConstraint(constraint);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as UserError).message).toContain("invalid version constraint");
    expect((caught as UserError).message).toContain("^1.0.0");
  });
});

describe("selectVersion", () => {
  const available = [
    "1.0.0",
    "1.0.1",
    "1.0.2",
    "1.1.0-rc1",
    "1.2.0",
    "2.0.0-dev",
    "2.1.0",
    "0.9.0",
  ];
  const selections: [string, string | undefined][] = [
    ["^1.0.0", "1.2.0"],
    ["~1.0", "1.0.2"],
    ["1.0.1", "1.0.1"],
    ["==1.1.0-rc1", "1.1.0-rc1"],
    ["2.0.0-dev", "2.0.0-dev"],
    ["^2.0.0", "2.1.0"],
    ["^0.9", "0.9.0"],
    [">=1.0.0,<2.0.0,!=1.2.0", "1.0.2"],
    ["*", "2.1.0"],
    ["^3.0.0", undefined],
    ["1.1.0", undefined],
  ];
  it.each(selections)("%s picks %s", (constraint, expected) => {
    expect(selectVersion(constraint, available)).toBe(expected);
  });

  it("ignores names that are not versions", () => {
    expect(selectVersion("*", ["base", "1.0.0", "latest"])).toBe("1.0.0");
  });
});

describe("version names and ordering", () => {
  it.each([
    ["1.0.0", true],
    ["10.20.30", true],
    ["1.1.0-rc1", true],
    ["2.0.0-dev", true],
    ["1.0.0+build.5", true],
    ["1.0", false],
    ["base", false],
    ["mistral", false],
    ["v1.0.0", false],
  ])("isVersionName(%s) is %s", (name, expected) => {
    expect(isVersionName(name)).toBe(expected);
  });

  it("sorts pre-releases before their release, naturally within a tag", () => {
    expect(
      sortVersionNames(["1.1.0", "1.1.0-rc10", "1.0.0", "1.1.0-rc2", "1.1.0-beta", "0.1.0"]),
    ).toEqual(["0.1.0", "1.0.0", "1.1.0-beta", "1.1.0-rc2", "1.1.0-rc10", "1.1.0"]);
  });

  it("compares numerically, not as text", () => {
    expect(compareVersions(parseVersion("1.10.0")!, parseVersion("1.9.0")!)).toBe(1);
    expect(compareVersions(parseVersion("1.0.0")!, parseVersion("1.0.0+meta")!)).toBe(0);
  });
});

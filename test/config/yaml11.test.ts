import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseYamlText } from "../../src/config/index.js";
import { type PyScalarKind, pyFloatRepr } from "../../src/config/pyyaml-schema.js";
import type { YamlBuilder } from "../../src/config/yaml-construct.js";
import { readYamlDocument } from "../../src/config/yaml-file.js";
import { UserError, UserErrors } from "../../src/core/errors.js";

/**
 * evalgate's YAML 1.1 reader against PyYAML 6.0.3 `yaml.safe_load` (yaml/resolver.py and
 * yaml/constructor.py). The expected values were written by scripts/make-yaml11-fixtures.py,
 * with each scalar's Python type, from the documents in test/fixtures/yaml11/.
 */
const FIXTURES = join(import.meta.dirname, "..", "fixtures", "yaml11");

type Typed = Record<string, unknown>;

/** The same typed form the fixture script writes from Python values. */
const typedBuilder: YamlBuilder<Typed> = {
  scalar(value: unknown, kind: PyScalarKind): Typed {
    if (kind === "int") return { int: String(value) };
    if (kind === "float") return { float: pyFloatRepr(value as number) };
    return { [kind]: value };
  },
  list: (items) => ({ list: items }),
  map: (entries) => ({ map: entries.map((e) => [e.typedKey, e.value]) }),
};

function readTyped(name: string, text: string): Typed {
  return readYamlDocument(name, text, typedBuilder, { yaml: "1.1" }).value;
}

const documents = readdirSync(FIXTURES).filter((n) => n.endsWith(".yaml"));

describe("YAML 1.1 as PyYAML safe_load reads it", () => {
  it("has test documents", () => {
    expect(documents).toEqual([
      "definition.yaml",
      "keys.yaml",
      "merges.yaml",
      "scalars.yaml",
      "timestamps.yaml",
    ]);
  });

  it.each(documents)("%s gives exactly PyYAML's values and types", (name) => {
    const text = readFileSync(join(FIXTURES, name), "utf8");
    const expected = JSON.parse(
      readFileSync(join(FIXTURES, name.replace(/\.yaml$/, ".expected.json")), "utf8"),
    ) as Typed;
    expect(readTyped(name, text)).toEqual(expected);
  });

  it("gives plain JS values to the schema: 8_192 is 8192, on is true, 1e3 stays a string", () => {
    const schema = z.object({ a: z.number(), b: z.boolean(), c: z.string(), d: z.number() });
    const loaded = parseYamlText("d.yml", "a: 8_192\nb: on\nc: 1e3\nd: 0755\n", schema, {
      yaml: "1.1",
    });
    expect(loaded.value).toEqual({ a: 8192, b: true, c: "1e3", d: 493 });
  });

  it("keeps merged keys first, in PyYAML's order, so roles keep the gateway's order", () => {
    const text = "base: &b {system: s, user: u}\np:\n  user: own\n  <<: *b\n";
    const loaded = parseYamlText("d.yml", text, z.any(), { yaml: "1.1" });
    expect(Object.entries(loaded.value.p)).toEqual([
      ["system", "s"],
      ["user", "own"],
    ]);
  });

  it("evalgate's own files stay YAML 1.2 (the default)", () => {
    const loaded = parseYamlText("c.yaml", "a: 8_192\nb: on\nc: 0755\n", z.any());
    expect(loaded.value).toEqual({ a: "8_192", b: "on", c: 755 });
  });

  it("still points schema errors at file:line:column", () => {
    const schema = z.strictObject({ model: z.strictObject({ max_tokens: z.number().int() }) });
    expect(() =>
      parseYamlText("d.yml", "model:\n  max_tokens: 8_192.5\n", schema, { yaml: "1.1" }),
    ).toThrow(/^d\.yml:2:15: model\.max_tokens: /);
  });
});

function errorsOf(text: string, yaml: "1.1" | "1.2" = "1.1"): string[] {
  try {
    parseYamlText("d.yml", text, z.any(), { yaml });
  } catch (err) {
    if (err instanceof UserErrors) return err.problems.map((p) => p.message);
    if (err instanceof UserError) return [err.message];
    throw err;
  }
  return [];
}

describe("what PyYAML refuses is a located error", () => {
  it.each([
    [
      "a: =\n",
      'd.yml:1:4: "=" is a special key in YAML 1.1 and cannot be a value (PyYAML refuses it); quote it: "="',
    ],
    [
      "a: <<\n",
      'd.yml:1:4: "<<" is a special key in YAML 1.1 and cannot be a value (PyYAML refuses it); quote it: "<<"',
    ],
    ["a: 0b_\n", 'd.yml:1:4: invalid YAML: "0b_" is not an integer as PyYAML reads it'],
    [
      "a: 2024-13-01\n",
      'd.yml:1:4: invalid YAML: "2024-13-01" is not a valid date (PyYAML fails on it too); quote it to keep it a string',
    ],
    [
      "a: 2024-02-30 10:00:00\n",
      'd.yml:1:4: invalid YAML: "2024-02-30 10:00:00" is not a valid date (PyYAML fails on it too); quote it to keep it a string',
    ],
    ["a: !!int abc\n", 'd.yml:1:4: invalid YAML: "abc" is not an integer as PyYAML reads it'],
    [
      "a: !!python/name:os.system x\n",
      "d.yml:1:28: tag tag:yaml.org,2002:python/name:os.system: PyYAML's safe_load has no constructor for it, so the gateway cannot load this file; remove the tag",
    ],
    [
      "a: !!set {x: null}\n",
      "d.yml:1:10: tag tag:yaml.org,2002:set: PyYAML's safe_load has no constructor for it, so the gateway cannot load this file; remove the tag",
    ],
    [
      "a:\n  <<: 1\n",
      "d.yml:2:7: a merge key << needs a mapping or a list of mappings (e.g. <<: *defaults)",
    ],
    ["a:\n  <<: [{x: 1}, 2]\n", "d.yml:2:16: a merge key << list must hold only mappings"],
    ["? [1]\n: 2\n", "d.yml:1:3: a mapping or a list cannot be a key; use a plain string key"],
    [
      "a: *nowhere\n",
      "d.yml:1:4: alias *nowhere has no anchor &nowhere before it; define the anchor first or fix the name",
    ],
    [
      "a: &a [1, *a]\n",
      "d.yml:1:11: alias *a is inside the node it refers to (a recursive structure); remove the alias",
    ],
  ])("%j", (text, message) => {
    expect(errorsOf(text)).toEqual([message]);
  });

  it("reports every problem of a file together", () => {
    expect(errorsOf("a: =\nb: !custom x\n")).toEqual([
      'd.yml:1:4: "=" is a special key in YAML 1.1 and cannot be a value (PyYAML refuses it); quote it: "="',
      "d.yml:2:12: tag !custom: PyYAML's safe_load has no constructor for it, so the gateway cannot load this file; remove the tag",
    ]);
  });

  it("lets a repeated key take the last value, as PyYAML does (YAML 1.2 files refuse it)", () => {
    expect(parseYamlText("d.yml", "a: 1\na: 2\n", z.any(), { yaml: "1.1" }).value).toEqual({
      a: 2,
    });
    expect(errorsOf("a: 1\na: 2\n", "1.2")).toEqual([
      "d.yml:2:1: invalid YAML: Map keys must be unique",
    ]);
  });
});

describe("aliases", () => {
  it("expand as usual in both versions, each expansion a copy", () => {
    const text = "defaults: &d {temperature: 0.1, stop: [a]}\nx: *d\ny: *d\n";
    for (const yaml of ["1.1", "1.2"] as const) {
      const { value } = parseYamlText("c.yaml", text, z.any(), { yaml });
      expect(value).toEqual({
        defaults: { temperature: 0.1, stop: ["a"] },
        x: { temperature: 0.1, stop: ["a"] },
        y: { temperature: 0.1, stop: ["a"] },
      });
      expect(value.x).not.toBe(value.y);
    }
  });

  it("stop at the alias whose expansion passes 10000 copied values", () => {
    const wide = `a: &a [${Array(100).fill("x").join(", ")}]\n`;
    expect(errorsOf(`${wide}list: [${Array(99).fill("*a").join(", ")}]\n`, "1.2")).toEqual([]);
    expect(errorsOf(`${wide}list: [${Array(100).fill("*a").join(", ")}]\n`, "1.2")).toEqual([
      "d.yml:2:404: too many aliases: expanding *a here brings the values copied from aliases to 10100 (the limit is 10000; nested aliases multiply), remove the alias expansion or write the values out",
    ]);
  });
});

import { describe, expect, it } from "vitest";
import {
  includedTemplateNames,
  JinjaEnvironment,
  loadPromptRegistry,
  sampleInputsFor,
  undeclaredTemplateVariables,
} from "../../src/prompts/index.js";
import { FIXTURE_DEFINITIONS } from "../fixtures/gateway/gateway-comparison.js";

const env = new JinjaEnvironment({ loader: () => undefined });
const parse = (source: string) => env.parse(source);

describe("undeclaredTemplateVariables (answers of jinja2 3.1.6 meta.find_undeclared_variables)", () => {
  const cases: [string, string[]][] = [
    ["{{ a }}{% set b = 1 %}{{ b }}", ["a"]],
    ["{{ b }}{% set b = 1 %}", ["b"]],
    ["{% if c %}{% set x = 1 %}{{ x }}{% endif %}", ["c", "x"]],
    ["{% if c %}{% set x = 1 %}{% else %}{% set x = 2 %}{% endif %}{{ x }}", ["c", "x"]],
    ["{% set x = 1 %}{% if c %}{% set x = 2 %}{% endif %}{{ x }}", ["c"]],
    [
      "{% for i in items if i.ok %}{{ i }}{{ loop.index }}{{ outer }}{% else %}{{ none_left }}{% endfor %}{{ i }}",
      ["i", "items", "none_left", "outer"],
    ],
    ["{% for a in b %}{% set y = a %}{{ y }}{% endfor %}{{ y }}", ["b", "y"]],
    ["{% macro m(p, q=dflt) %}{{ p }}{{ q }}{{ glob }}{% endmacro %}{{ m(1) }}", ["dflt", "glob"]],
    ["{% with w = val %}{{ w }}{{ other }}{% endwith %}", ["other", "val"]],
    ["{% set ns = namespace(n=0) %}{% set ns.n = 1 %}{{ ns.n }}", []],
    ['{% include name ~ ".jinja" %}{% include "lit.jinja" %}', ["name"]],
    ["{% set blk | upper %}{{ inner }}{% endset %}{{ blk }}", ["inner"]],
    ["{{ range(3) }}{{ loop }}", ["loop"]],
  ];
  for (const [source, expected] of cases) {
    it(source, () => {
      expect([...undeclaredTemplateVariables(parse(source))].sort()).toEqual(expected);
    });
  }

  it("lists included templates, null for a computed name", () => {
    const ast = parse(
      '{% include name ~ ".jinja" %}{% if x %}{% include "lit.jinja" %}{% endif %}',
    );
    expect(includedTemplateNames(ast)).toEqual([null, "lit.jinja"]);
  });
});

describe("sampleInputsFor", () => {
  it("gives every required variable a distinct string, literal includes' variables too", async () => {
    const registry = await loadPromptRegistry(FIXTURE_DEFINITIONS);
    const resolved = registry.resolve("parity/includes", ["base"]);
    expect(sampleInputsFor(registry.root, resolved, "strings")).toEqual({
      changes: "<changes value>",
      style: "<style value>",
      team_name: "<team_name value>",
    });
  });

  it("gives a variable a loop iterates two objects with every attribute read, through includes", async () => {
    const registry = await loadPromptRegistry(FIXTURE_DEFINITIONS);
    const resolved = registry.resolve("parity/includes", ["base"]);
    expect(sampleInputsFor(registry.root, resolved, "loop-objects").changes).toEqual([
      { summary: "<changes[0].summary value>", author: "<changes[0].author value>" },
      { summary: "<changes[1].summary value>", author: "<changes[1].author value>" },
    ]);
  });

  it("follows nested loops and item keys, and adds a two-message history", async () => {
    const registry = await loadPromptRegistry(FIXTURE_DEFINITIONS);
    const resolved = registry.resolve("parity/loops", ["base"]);
    const item = (i: number) => ({
      title: `<issues[${i}].title value>`,
      state: `<issues[${i}].state value>`,
      assignee: `<issues[${i}].assignee value>`,
      labels: [0, 1].map((k) => ({ name: `<issues[${i}].labels[${k}].name value>` })),
    });
    expect(sampleInputsFor(registry.root, resolved, "with-history")).toEqual({
      issues: [item(0), item(1)],
      history: [
        { role: "user", content: "<history: earlier user message>" },
        { role: "assistant", content: "<history: earlier assistant answer>" },
      ],
    });
  });
});

/**
 * undeclaredVariables / referencedTemplates against Python Jinja2 3.1.6: every expected value
 * below is what `jinja2.meta.find_undeclared_variables` / `find_referenced_templates` returns
 * for the same source (printed by `python3 -c "from jinja2 import Environment, meta; ..."`).
 */
import { describe, expect, it } from "vitest";
import {
  parseTemplate,
  referencedTemplates,
  undeclaredVariables,
} from "../../src/prompts/jinja/index.js";

const UNDECLARED: [string, string[]][] = [
  ["{{ x }}{% set x = 1 %}", ["x"]],
  ["{% set x = 1 %}{{ x }}", []],
  ["{% set x = x + 1 %}", ["x"]],
  ["{% if a %}{% set y = 1 %}{% endif %}{{ y }}", ["a", "y"]],
  ["{% if a %}{% set y = 1 %}{% endif %}", ["a", "y"]],
  ["{% if a %}{% set y = 1 %}{% else %}{% set y = 2 %}{% endif %}{{ y }}", ["a", "y"]],
  ["{% set y = 0 %}{% if a %}{% set y = 1 %}{% endif %}{{ y }}", ["a"]],
  [
    "{% if a %}{% elif b %}{% set y = 1 %}{% elif c %}{{ d }}{% else %}{{ e }}{% endif %}",
    ["a", "b", "c", "d", "e", "y"],
  ],
  [
    "{% for i in items %}{{ i }}{{ loop.index }}{{ j }}{% else %}{{ i }}{{ loop }}{% endfor %}{{ i }}",
    ["i", "items", "j", "loop"],
  ],
  ["{% for k, v in d.items() if v > t and loop %}{{ k }}{% endfor %}", ["d", "loop", "t"]],
  ["{% for x in xs %}{{ later }}{% endfor %}{% set later = 1 %}", ["xs"]],
  ["{% for x in xs %}{% if x %}{% set y = 1 %}{% endif %}{% endfor %}", ["xs", "y"]],
  ["{% set y = 2 %}{% for x in xs %}{% if x %}{% set y = 1 %}{% endif %}{% endfor %}", ["xs"]],
  [
    "{% macro m(p, q=r) %}{{ p }}{{ s }}{{ caller }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1) }}",
    ["r", "s"],
  ],
  ["{% macro m(a=caller) %}{{ a }}{% endmacro %}", ["caller"]],
  ["{% macro m() %}{% for x in xs %}{{ caller }}{% endfor %}{% endmacro %}", ["xs"]],
  ["{% with a = b, c = a %}{{ a }}{{ c }}{{ d }}{% endwith %}{{ a }}", ["a", "b", "d"]],
  ["{% set ns = namespace(v=1) %}{% set ns.v = 2 %}{{ ns.v }}", []],
  ["{% set ns.v = 2 %}", ["ns"]],
  ["{% set b %}{{ inner }}{% endset %}{{ b }}", ["inner"]],
  ["{% filter upper %}{{ z }}{% set w = 1 %}{{ w }}{% endfilter %}{{ w }}", ["w", "z"]],
  ["{% filter replace(arg, 'b') %}x{% endfilter %}", ["arg"]],
  [
    "{% include 'a.jinja' %}{% include name %}{% include ['x', 'y'] %}{% include 'p' ~ q %}",
    ["name", "q"],
  ],
  [
    "{{ range(3) }}{{ dict(a=1) }}{{ lipsum }}{{ cycler }}{{ joiner }}{{ loop }}{{ self }}{{ caller }}",
    ["caller", "loop"],
  ],
  ["{% for x in xs %}{% set y = x %}{% endfor %}{{ y }}", ["xs", "y"]],
  ["{% set a, b = 1, 2 %}{{ a }}{{ b }}", []],
  [
    "{{ a if b else c }}{{ [d, e] }}{{ {f: g} }}{{ h[i:j:k] }}{{ l is divisibleby m }}{{ -n }}{{ not o }}{{ p ~ q }}{{ r in s }}",
    ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s"],
  ],
  ["{% with %}{% set w = 1 %}{{ w }}{% endwith %}{{ w }}", ["w"]],
  ["{{ f(key=val, *args, **kw) }}{{ x | default(dflt) }}", ["args", "dflt", "f", "kw", "val", "x"]],
  ["{% if a %}{% set y = 1 %}{{ y }}{% endif %}", ["a", "y"]],
  ["{% macro m() %}{{ m }}{% endmacro %}{{ m }}", []],
  ["{{ m }}{% macro m() %}{% endmacro %}", ["m"]],
  ["{% for a in a %}{{ a }}{% endfor %}", ["a"]],
  ["{% set x %}{{ x }}{% endset %}", []],
  ["{% with x = x %}{{ x }}{% endwith %}", ["x"]],
  ["{% for x in xs %}{% with y = x %}{{ y }}{{ z }}{% endwith %}{% endfor %}", ["xs", "z"]],
  ["{% print a, b %}", ["a", "b"]],
  [
    "{% for x in xs %}{% for y in x %}{{ loop.index }}{{ outer }}{% endfor %}{% set outer = 1 %}{% endfor %}",
    ["xs"],
  ],
];

describe("undeclaredVariables (jinja2.meta.find_undeclared_variables)", () => {
  it.each(UNDECLARED)("%s", (source, expected) => {
    const found = [...undeclaredVariables(parseTemplate(source, "t"))].sort();
    expect(found).toEqual(expected);
  });
});

describe("referencedTemplates (jinja2.meta.find_referenced_templates)", () => {
  it("lists literal names in document order and null for computed ones", () => {
    const source =
      "{% include 'a.jinja' %}{% include name %}{% include ['x', 'y', 3, z] %}{% include 'p' ~ q %}{% if c %}{% include ('c', 'd') %}{% endif %}{% include none %}{% for x in y %}{% include 'in-loop' %}{% endfor %}";
    expect(referencedTemplates(parseTemplate(source, "t"))).toEqual([
      "a.jinja",
      null,
      "x",
      "y",
      null,
      null,
      "c",
      "d",
      null,
      "in-loop",
    ]);
  });
});

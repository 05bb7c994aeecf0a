import { describe, expect, it } from "vitest";
import {
  DEFAULT_RENDER_BUDGET,
  gatewayFilters,
  JinjaEnvironment,
  legacyGatewayFilters,
  parseTemplate,
  RenderBudgetError,
  staticSandboxViolations,
  TemplateRenderError,
  TemplateSecurityError,
  TemplateSyntaxError,
  UndefinedVariableError,
} from "../../src/prompts/jinja/index.js";

function environment(partials: Record<string, string> = {}) {
  return new JinjaEnvironment({ loader: (name) => partials[name], filters: gatewayFilters });
}

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("error messages name the template, the line and the variable", () => {
  it("a missing variable renders empty (default Undefined); using it further names it", () => {
    expect(environment().renderString("Hi {{ user_question }}!", {})).toBe("Hi !");
    const error = caught(() =>
      environment().renderString("Hi\n\n{{ user_question.text }}", {}, "code_suggestions/system"),
    );
    expect(error).toBeInstanceOf(UndefinedVariableError);
    const undefinedError = error as UndefinedVariableError;
    expect(undefinedError.variable).toBe("user_question");
    expect(undefinedError.templateName).toBe("code_suggestions/system");
    expect(undefinedError.line).toBe(3);
    expect(undefinedError.message).toBe("code_suggestions/system:3: 'user_question' is undefined");
  });

  it("undefined attribute used further names the attribute", () => {
    expect(environment().renderString("[{{ file.path }}]", { file: {} }, "user")).toBe("[]");
    const error = caught(() =>
      environment().renderString("{{ file.path.name }}", { file: {} }, "user"),
    ) as UndefinedVariableError;
    expect(error.variable).toBe("path");
    expect(error.message).toBe("user:1: 'dict object' has no attribute 'path'");
  });

  it("an error inside an include names the included template and its line", () => {
    const env = environment({ "chat/partial.jinja": "a\nb {{ missing_input + 1 }}" });
    const error = caught(() =>
      env.renderString("x\n{% include 'chat/partial.jinja' %}", {}, "main"),
    ) as UndefinedVariableError;
    expect(error.templateName).toBe("chat/partial.jinja");
    expect(error.line).toBe(2);
    expect(error.variable).toBe("missing_input");
  });

  it("syntax errors carry the template name and line", () => {
    const error = caught(() =>
      environment().renderString("ok\n{% if x %}\nno end", { x: 1 }, "sys"),
    ) as TemplateSyntaxError;
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    expect(error.templateName).toBe("sys");
    expect(error.message).toMatch(/^sys:\d+: Unexpected end of template/);
    const unknown = caught(() =>
      environment().renderString("a\n\n{% extends 'base' %}", {}, "t"),
    ) as TemplateSyntaxError;
    expect(unknown.line).toBe(3);
    expect(unknown.message).toContain("'extends' tag is not supported");
  });

  it("include not found names the missing template", () => {
    const error = caught(() =>
      environment().renderString("{% include 'chat/' ~ kind ~ '.jinja' %}", { kind: "x" }, "t"),
    );
    expect(error).toBeInstanceOf(TemplateRenderError);
    expect(error).not.toBeInstanceOf(UndefinedVariableError);
    expect(error.message).toContain("template 'chat/x.jinja' not found");
  });

  it("an unknown filter fails before rendering, as Jinja2's compiler does, unless inside an if", () => {
    const error = caught(() =>
      environment().renderString("ok\n{{ x|frobnicate }}", { x: 1 }, "t"),
    ) as TemplateRenderError;
    expect(error).toBeInstanceOf(TemplateRenderError);
    expect(error.pythonType).toBe("TemplateAssertionError");
    expect(error.message).toBe("t:2: No filter named 'frobnicate'.");
    const env = environment();
    const guarded = "{% if x %}{{ x|frobnicate }}{% endif %}";
    expect(env.renderString(guarded, { x: 0 }, "t")).toBe("");
    expect(caught(() => env.renderString(guarded, { x: 1 }, "t")).message).toBe(
      "t:1: No filter named 'frobnicate' found.",
    );
  });

  it("the default template name is <template>", () => {
    expect(caught(() => environment().renderString("{{ a.b }}", {})).message).toBe(
      "<template>:1: 'a' is undefined",
    );
  });
});

describe("the gateway's sandbox (default)", () => {
  const env = environment();
  const context = { text: "hi", xs: [1], d: { a: 1 }, n: 2 };
  it.each([
    [
      "{{ n * 2 }}",
      "multiplication",
      1,
      "Multiplication operators are not allowed in prompt templates",
    ],
    [
      "x\n{{ 2 ** n }}",
      "multiplication",
      2,
      "Multiplication operators are not allowed in prompt templates",
    ],
    ["{{ text.upper() }}", "call", 1, "Undefined is not safely callable"],
    [
      "a\nb\n{% for i in range(3) %}{% endfor %}",
      "call",
      3,
      "<function safe_range> is not safely callable",
    ],
    [
      "{% set ns = namespace() %}",
      "call",
      1,
      "<class 'jinja2.utils.Namespace'> is not safely callable",
    ],
    [
      "{% for x in xs %}{{ loop.cycle('a', 'b') }}{% endfor %}",
      "call",
      1,
      "Undefined is not safely callable",
    ],
    ["{{ dict(a=1) }}", "call", 1, "<class 'dict'> is not safely callable"],
    ["{{ lipsum() }}", "call", 1, "<function generate_lorem_ipsum> is not safely callable"],
    ["{{ xs.append(1) }}", "mutation", 1, "Undefined is not safely callable"],
    ["{{ d.update({'b': 2}) }}", "mutation", 1, "Undefined is not safely callable"],
    [
      "{{ text.upper.x }}",
      "callable_attribute",
      1,
      "access to attribute 'upper' of 'str' object is unsafe.",
    ],
    [
      "{{ d.items + 1 }}",
      "callable_attribute",
      1,
      "access to attribute 'items' of 'dict' object is unsafe.",
    ],
    [
      "{{ xs.append.x }}",
      "mutation",
      1,
      "access to attribute 'append' of 'list' object is unsafe.",
    ],
    [
      "{{ text.__class__.x }}",
      "unsafe_attribute",
      1,
      "access to attribute '__class__' of 'str' object is unsafe.",
    ],
    ["{{ 'abc'|split('') }}", "split_empty", 1, "Empty delimiter is not allowed for split filter"],
    ["{{ n|parse_json }}", "parse_json", 1, "Value for parse_json must be string."],
    ["{{ '{'|parse_json }}", "parse_json", 1, "Invalid json value"],
  ])("refuses %s (%s, line %i)", (template, rule, line, detail) => {
    const error = caught(() => env.renderString(template, structuredClone(context), "t"));
    expect(error).toBeInstanceOf(TemplateSecurityError);
    const refusal = error as TemplateSecurityError;
    expect({ rule: refusal.rule, line: refusal.line, detail: refusal.detail }).toEqual({
      rule,
      line,
      detail,
    });
    expect(refusal.pythonType).toBe("SecurityError");
    expect(refusal.message).toBe(`t:${line}: ${detail}`);
  });

  it("callable and unsafe attributes print empty and are undefined, as in Python", () => {
    expect(
      env.renderString(
        "[{{ text.upper }}][{{ xs.append }}][{{ text.__class__ }}][{{ x.constructor }}] {{ text.upper is defined }} {{ d.items|default('none') }}",
        { ...context, x: {} },
      ),
    ).toBe("[][][][] False none");
  });

  it("refuses JS internals as unsafe attributes when used", () => {
    for (const template of [
      "{{ x.constructor.name }}",
      "{{ x.__proto__.x }}",
      "{{ [].constructor.x }}",
      "{{ x['constructor'].x }}",
    ]) {
      const error = caught(() => env.renderString(template, { x: {} }));
      expect(error).toBeInstanceOf(TemplateSecurityError);
      expect((error as TemplateSecurityError).rule).toBe("unsafe_attribute");
    }
  });

  it("reads dict keys named like JS internals only when they are the dict's own data", () => {
    const data = JSON.parse('{"constructor": "c", "toString": "t"}');
    expect(env.renderString("{{ d['toString'] }} {{ d.toString }}", { d: data })).toBe("t t");
    expect(env.renderString("[{{ d.toString }}]", { d: {} })).toBe("[]");
    expect(() => env.renderString("{{ d.hasOwnProperty.x }}", { d: {} })).toThrow(
      UndefinedVariableError,
    );
  });

  it("refuses to call host values", () => {
    const error = caught(() => env.renderString("{{ f() }}", { f: () => "host" }));
    expect(error).toBeInstanceOf(TemplateSecurityError);
    expect((error as TemplateSecurityError).detail).toBe("<function> is not safely callable");
  });
});

describe("the legacy sandbox (the gateway before 2026-02-06)", () => {
  const env = new JinjaEnvironment({
    loader: () => undefined,
    filters: legacyGatewayFilters,
    sandbox: "legacy",
  });

  it("allows calls, mutation and multiplication", () => {
    expect(
      env.renderString(
        "{{ text.upper() }} {{ range(3)|list }} {{ xs.append(2) }}{{ xs }} {{ n * 3 }} {{ '-' * n }}",
        { text: "hi", xs: [1], n: 2 },
      ),
    ).toBe("HI [0, 1, 2] None[1, 2] 6 --");
    expect(env.renderString("{{ text.upper }}", { text: "a" })).toBe(
      "<built-in method upper of str object>",
    );
  });

  it("still refuses unsafe attributes and host functions", () => {
    expect(() => env.renderString("{{ ''.__class__.x }}", {})).toThrow(TemplateSecurityError);
    expect(() => env.renderString("{{ f() }}", { f: () => "host" })).toThrow(/not callable/);
  });

  it("has no split or parse_json filter", () => {
    expect(legacyGatewayFilters).toEqual({});
    expect(() => env.renderString("{{ 'a b'|split }}", {})).toThrow("No filter named 'split'.");
  });
});

describe("render budget", () => {
  it("stops a loop that would run for hours, naming the line", () => {
    const env = new JinjaEnvironment({ loader: () => undefined, sandbox: "legacy" });
    const template =
      "{% for i in range(100000) %}\n{% for j in range(100000) %}{% endfor %}\n{% endfor %}";
    const error = caught(() => env.renderString(template, {}, "t")) as RenderBudgetError;
    expect(error).toBeInstanceOf(RenderBudgetError);
    expect(error.budget).toBe(DEFAULT_RENDER_BUDGET);
    expect(error.message).toBe(
      "t:2: render budget exceeded: more than 10,000,000 loop iterations + output characters (a loop that does not end, or inputs far larger than a prompt's)",
    );
  });

  it("counts loop iterations and output characters against renderBudget", () => {
    const env = new JinjaEnvironment({ loader: () => undefined, renderBudget: 100 });
    // 10 iterations + 10 characters + 80 characters of text: exactly the budget.
    const fits = `{% for x in xs %}x{% endfor %}${"-".repeat(80)}`;
    const xs = Array.from({ length: 10 }, (_, i) => i);
    expect(env.renderString(fits, { xs })).toBe(`${"x".repeat(10)}${"-".repeat(80)}`);
    const error = caught(() => env.renderString(`${fits}!`, { xs }, "t")) as RenderBudgetError;
    expect(error).toBeInstanceOf(RenderBudgetError);
    expect(error.line).toBe(1);
    expect(error.budget).toBe(100);
  });

  it("charges strings built by ~ and * before they grow", () => {
    const env = new JinjaEnvironment({
      loader: () => undefined,
      sandbox: "legacy",
      renderBudget: 1_000,
    });
    expect(() => env.renderString("{% set s = 'ab' * 100000 %}", {})).toThrow(RenderBudgetError);
    expect(() =>
      env.renderString(
        "{% set ns = namespace(s='ab') %}{% for i in range(30) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
        {},
      ),
    ).toThrow(RenderBudgetError);
  });
});

describe("staticSandboxViolations", () => {
  it("lists every call and * / ** with its line", () => {
    const ast = parseTemplate(
      "{{ text.upper() }}\n{% for i in range(n * 2) %}{{ loop.cycle('a') }}{% endfor %}\n{% if x %}{{ 2 ** 3 }}{{ f()() }}{% endif %}\n{{ a|join(', ') }} {{ a is divisibleby 2 }}",
      "t",
    );
    expect(staticSandboxViolations(ast)).toEqual([
      { rule: "call", line: 1, detail: "call of text.upper()" },
      { rule: "call", line: 2, detail: "call of range()" },
      { rule: "multiplication", line: 2, detail: "'*' operator" },
      { rule: "call", line: 2, detail: "call of loop.cycle()" },
      { rule: "multiplication", line: 3, detail: "'**' operator" },
      { rule: "call", line: 3, detail: "a call" },
      { rule: "call", line: 3, detail: "call of f()" },
    ]);
    expect(
      staticSandboxViolations(parseTemplate("{{ a|upper }} {% set b = a ~ 1 %}", "t")),
    ).toEqual([]);
  });
});

describe("environment behaviour", () => {
  it("parses each distinct source once", () => {
    const env = environment();
    const source = "{{ a }}";
    expect(env.parse(source)).toBe(env.parse(source));
    expect(env.renderString(source, { a: 1 })).toBe("1");
  });

  it("asks the loader once per include name", () => {
    const calls: string[] = [];
    const env = new JinjaEnvironment({
      loader: (name) => {
        calls.push(name);
        return name === "p" ? "[{{ i }}]" : undefined;
      },
    });
    const template =
      "{% for i in [1, 2, 3] %}{% include 'p' %}{% include 'q' ignore missing %}{% endfor %}";
    expect(env.renderString(template, {})).toBe("[1][2][3]");
    expect(calls).toEqual(["p", "q"]);
  });

  it("passes kwargs to custom filters as a trailing {__kwargs: true} object", () => {
    const seen: unknown[][] = [];
    const env = new JinjaEnvironment({
      loader: () => undefined,
      filters: {
        wrap: (value, ...args) => {
          seen.push(args);
          return `<${String(value)}>`;
        },
      },
    });
    expect(env.renderString("{{ 'a'|wrap }}{{ 'b'|wrap(1, tag='x') }}", {})).toBe("<a><b>");
    expect(seen).toEqual([[], [1, { __kwargs: true, tag: "x" }]]);
  });

  it("custom filters override built-ins", () => {
    const env = new JinjaEnvironment({
      loader: () => undefined,
      filters: { upper: () => "custom" },
    });
    expect(env.renderString("{{ 'a'|upper }}", {})).toBe("custom");
  });

  it("split and parse_json are not built in", () => {
    const env = new JinjaEnvironment({ loader: () => undefined });
    expect(() => env.renderString("{{ 'a b'|split }}", {})).toThrow(/No filter named 'split'/);
  });

  it("a self-including template fails instead of recursing forever", () => {
    const env = environment({ loop: "x{% include 'loop' %}" });
    expect(() => env.renderString("{% include 'loop' %}", {})).toThrow(/nested deeper than/);
  });

  it("host undefined values behave like missing keys", () => {
    const env = environment();
    expect(
      env.renderString("{{ d.a is defined }} {{ d.a|default('dflt') }}", { d: { a: undefined } }),
    ).toBe("False dflt");
  });

  it("parseTemplate reports lexer errors with the line", () => {
    const error = caught(() => parseTemplate("a\nb {# open", "t")) as TemplateSyntaxError;
    expect(error.line).toBe(2);
    expect(error.detail).toBe("Missing end of comment tag");
  });
});

describe("gateway filters", () => {
  it("split is str(value).split(delimiter=' ', maxsplit)", () => {
    const split = gatewayFilters.split!;
    expect(split("a,b,,c", ",")).toEqual(["a", "b", "", "c"]);
    expect(split("a  b")).toEqual(["a", "", "b"]);
    expect(split("  a \t b\n", null)).toEqual(["a", "b"]);
    expect(split("a b c", " ", { __kwargs: true, maxsplit: 1 })).toEqual(["a", "b c"]);
    expect(split("a-b", { __kwargs: true, delimiter: "-" })).toEqual(["a", "b"]);
    expect(split(12345, "3")).toEqual(["12", "45"]);
    expect(split([1, 2], ", ")).toEqual(["[1", "2]"]);
    const error = caught(() => split("a", "")) as TemplateSecurityError;
    expect(error).toBeInstanceOf(TemplateSecurityError);
    expect(error.rule).toBe("split_empty");
  });

  it("parse_json keeps key order and float-ness, and refuses what the gateway refuses", () => {
    const value = gatewayFilters.parse_json!('{"b": 1, "2": 2.0, "1": [true, null]}');
    expect(environment().renderString("{{ v }}", { v: value })).toBe(
      "{'b': 1, '2': 2.0, '1': [True, None]}",
    );
    const refusals = [
      ["{", "Invalid json value"],
      [5, "Value for parse_json must be string."],
      [
        `1${" ".repeat(1_000_000)}`,
        "Input to parse_json filter exceeds maximum allowed length of 1000000 characters",
      ],
    ] as const;
    for (const [input, detail] of refusals) {
      const error = caught(() => gatewayFilters.parse_json!(input)) as TemplateSecurityError;
      expect(error).toBeInstanceOf(TemplateSecurityError);
      expect({ rule: error.rule, detail: error.detail }).toEqual({ rule: "parse_json", detail });
    }
    expect(gatewayFilters.parse_json!(`1${" ".repeat(999_999)}`)).toBe(1);
  });
});

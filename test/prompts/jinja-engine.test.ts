import { describe, expect, it } from "vitest";
import {
  gatewayFilters,
  JinjaEnvironment,
  parseTemplate,
  TemplateRenderError,
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
  it("undefined variable", () => {
    const error = caught(() =>
      environment().renderString("Hi\n\n{{ user_question }}", {}, "code_suggestions/system"),
    );
    expect(error).toBeInstanceOf(UndefinedVariableError);
    const undefinedError = error as UndefinedVariableError;
    expect(undefinedError.variable).toBe("user_question");
    expect(undefinedError.templateName).toBe("code_suggestions/system");
    expect(undefinedError.line).toBe(3);
    expect(undefinedError.message).toBe("code_suggestions/system:3: 'user_question' is undefined");
  });

  it("undefined attribute names the attribute", () => {
    const error = caught(() =>
      environment().renderString("{{ file.path }}", { file: {} }, "user"),
    ) as UndefinedVariableError;
    expect(error.variable).toBe("path");
    expect(error.message).toBe("user:1: 'dict object' has no attribute 'path'");
  });

  it("an error inside an include names the included template and its line", () => {
    const env = environment({ "chat/partial.jinja": "a\nb {{ missing_input }}" });
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

  it("unknown filter names the filter", () => {
    const error = caught(() => environment().renderString("{{ x|frobnicate }}", { x: 1 }, "t"));
    expect(error).toBeInstanceOf(TemplateRenderError);
    expect(error.message).toBe("t:1: No filter named 'frobnicate' found.");
  });

  it("the default template name is <template>", () => {
    expect(caught(() => environment().renderString("{{ a }}", {})).message).toBe(
      "<template>:1: 'a' is undefined",
    );
  });
});

describe("sandbox", () => {
  const env = environment();
  it.each([
    "{{ ''.__class__ }}",
    "{{ x.constructor }}",
    "{{ x.__proto__ }}",
    "{{ [].constructor }}",
    "{{ x['constructor'] }}",
    "{{ range.__call__ }}",
  ])("refuses %s", (template) => {
    expect(() => env.renderString(template, { x: {} })).toThrow(TemplateRenderError);
  });

  it("reads dict keys named like JS internals only when they are the dict's own data", () => {
    const data = JSON.parse('{"constructor": "c", "toString": "t"}');
    expect(env.renderString("{{ d['toString'] }} {{ d.toString }}", { d: data })).toBe("t t");
    expect(() => env.renderString("{{ d.toString }}", { d: {} })).toThrow(UndefinedVariableError);
    expect(() => env.renderString("{{ d.hasOwnProperty }}", { d: {} })).toThrow(
      UndefinedVariableError,
    );
  });

  it("cannot call values that are not engine functions", () => {
    expect(() => env.renderString("{{ f() }}", { f: () => "host" })).toThrow(/not callable/);
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
  it("split follows Python str.split", () => {
    const split = gatewayFilters.split!;
    expect(split("a,b,,c", ",")).toEqual(["a", "b", "", "c"]);
    expect(split("  a \t b\n")).toEqual(["a", "b"]);
    expect(split("a b c", " ", { __kwargs: true, maxsplit: 1 })).toEqual(["a", "b c"]);
    expect(() => split("a", "")).toThrow(/empty separator/);
  });

  it("parse_json keeps key order and float-ness", () => {
    const value = gatewayFilters.parse_json!('{"b": 1, "2": 2.0, "1": [true, null]}');
    expect(environment().renderString("{{ v }}", { v: value })).toBe(
      "{'b': 1, '2': 2.0, '1': [True, None]}",
    );
    expect(() => gatewayFilters.parse_json!("{")).toThrow(/Expecting property name/);
  });
});

import { describe, expect, it } from "vitest";
import {
  gatewayFilters,
  JinjaEnvironment,
  TemplateRenderError,
  TemplateSyntaxError,
  UndefinedVariableError,
} from "../../src/prompts/jinja/index.js";
import { loadParityCases, MAIN_TEMPLATE, type ParityCase } from "../fixtures/jinja/load-cases.js";

const cases = loadParityCases();

function render(c: ParityCase): string {
  const env = new JinjaEnvironment({ loader: (name) => c.partials[name], filters: gatewayFilters });
  return env.renderString(c.template, structuredClone(c.context), MAIN_TEMPLATE);
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("Jinja parity with Python Jinja2 3.1 (test/fixtures/jinja)", () => {
  it("has the corpus the brief asks for", () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    expect(cases.filter((c) => "error" in c.expected).length).toBeGreaterThanOrEqual(15);
  });

  for (const c of cases) {
    it(`${c.topic}: ${c.name}`, () => {
      const expected = c.expected;
      if ("output" in expected) {
        expect(render(c)).toBe(expected.output);
        return;
      }
      const { type, message, template, line } = expected.error;
      const error = caught(() => render(c));
      if (type === "TemplateSyntaxError") {
        expect(error).toBeInstanceOf(TemplateSyntaxError);
        const syntax = error as TemplateSyntaxError;
        expect({ template: syntax.templateName, line: syntax.line }).toEqual({ template, line });
        return;
      }
      expect(error).toBeInstanceOf(TemplateRenderError);
      const runtime = error as TemplateRenderError;
      expect(runtime instanceof UndefinedVariableError).toBe(type === "UndefinedError");
      expect(runtime.pythonType).toBe(type);
      expect({ template: runtime.templateName, line: runtime.line }).toEqual({ template, line });
      // evalgate's not-found message says more (where include paths are resolved from).
      if (type === "TemplateNotFound") expect(runtime.detail).toContain(message);
      else expect(runtime.detail).toBe(message);
    });
  }
});

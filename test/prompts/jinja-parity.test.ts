import { describe, expect, it } from "vitest";
import {
  gatewayFilters,
  JinjaEnvironment,
  legacyGatewayFilters,
  RenderBudgetError,
  type SandboxMode,
  TemplateRenderError,
  TemplateSecurityError,
  TemplateSyntaxError,
  UndefinedVariableError,
} from "../../src/prompts/jinja/index.js";
import {
  type ExpectedResult,
  loadParityCases,
  MAIN_TEMPLATE,
  type ParityCase,
} from "../fixtures/jinja/load-cases.js";

const cases = loadParityCases();

function render(c: ParityCase, sandbox: SandboxMode): string {
  const env = new JinjaEnvironment({
    loader: (name) => c.partials[name],
    filters: sandbox === "gateway" ? gatewayFilters : legacyGatewayFilters,
    sandbox,
  });
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

function expectParity(c: ParityCase, sandbox: SandboxMode, expected: ExpectedResult): void {
  if ("output" in expected) {
    expect(render(c, sandbox)).toBe(expected.output);
    return;
  }
  const { type, message, template, line } = expected.error;
  const error = caught(() => render(c, sandbox));
  if (type === "TemplateSyntaxError") {
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    const syntax = error as TemplateSyntaxError;
    expect({ template: syntax.templateName, line: syntax.line }).toEqual({ template, line });
    return;
  }
  expect(error).toBeInstanceOf(TemplateRenderError);
  const runtime = error as TemplateRenderError;
  expect(runtime instanceof UndefinedVariableError).toBe(type === "UndefinedError");
  expect(runtime instanceof TemplateSecurityError).toBe(type === "SecurityError");
  expect(runtime instanceof RenderBudgetError).toBe(type === "RenderBudgetError");
  expect(runtime.pythonType).toBe(type);
  expect({ template: runtime.templateName, line: runtime.line }).toEqual({ template, line });
  // evalgate's not-found message says more (where include paths are resolved from).
  if (type === "TemplateNotFound") expect(runtime.detail).toContain(message);
  else if (message !== null) expect(runtime.detail).toBe(message);
}

describe("Jinja parity with Python Jinja2 3.1 (test/fixtures/jinja)", () => {
  it("has the corpus the brief asks for", () => {
    expect(cases.length).toBeGreaterThanOrEqual(250);
    const errors = (pick: (c: ParityCase) => ExpectedResult, type: string) =>
      cases.filter((c) => {
        const result = pick(c);
        return "error" in result && result.error.type === type;
      }).length;
    expect(errors((c) => c.expected, "SecurityError")).toBeGreaterThanOrEqual(40);
    expect(errors((c) => c.legacyExpected, "UndefinedError")).toBeGreaterThanOrEqual(15);
    expect(errors((c) => c.legacyExpected, "RenderBudgetError")).toBe(2);
  });

  describe("the gateway today (PromptSandboxedEnvironment)", () => {
    for (const c of cases) {
      it(`${c.topic}: ${c.name}`, () => expectParity(c, "gateway", c.expected));
    }
  });

  describe("the gateway before 2026-02-06 (SandboxedEnvironment)", () => {
    for (const c of cases) {
      it(`${c.topic}: ${c.name}`, () => expectParity(c, "legacy", c.legacyExpected));
    }
  });
});

/**
 * Errors the template engine raises. `detail` is the Python-Jinja2-equivalent message; `message`
 * adds where it happened (`<template>:<line>: <detail>`), filled in as the error leaves the
 * innermost template node that knows its position.
 */

function located(templateName: string | undefined, line: number | undefined, detail: string) {
  if (templateName === undefined) return detail;
  return line === undefined ? `${templateName}: ${detail}` : `${templateName}:${line}: ${detail}`;
}

/** The template text itself is wrong: unclosed block, unknown tag, bad expression. */
export class TemplateSyntaxError extends Error {
  readonly detail: string;
  templateName: string;
  line: number;
  constructor(detail: string, line: number, templateName: string) {
    super(located(templateName, line, detail));
    this.name = "TemplateSyntaxError";
    this.detail = detail;
    this.line = line;
    this.templateName = templateName;
  }
}

/** Rendering failed: include not found, unknown filter, bad operand types, unsafe attribute. */
export class TemplateRenderError extends Error {
  readonly detail: string;
  templateName: string | undefined;
  line: number | undefined;
  /** Python's exception class for the same failure (TypeError, TemplateNotFound, SecurityError, …). */
  readonly pythonType: string;
  constructor(detail: string, pythonType = "TemplateRuntimeError") {
    super(detail);
    this.name = "TemplateRenderError";
    this.detail = detail;
    this.pythonType = pythonType;
  }

  /** Records the position once: the innermost node (or included template) wins. */
  locate(templateName: string, line: number): this {
    if (this.templateName === undefined) {
      this.templateName = templateName;
      this.line = line;
      this.message = located(templateName, line, this.detail);
    }
    return this;
  }
}

/** An Undefined value was used further than printing, testing or iterating it. `variable` names what was missing. */
export class UndefinedVariableError extends TemplateRenderError {
  readonly variable: string;
  constructor(detail: string, variable: string) {
    super(detail, "UndefinedError");
    this.name = "UndefinedVariableError";
    this.variable = variable;
  }
}

/** Which gateway rule refused a template (see docs/jinja.md, "What the gateway refuses"). */
export type SecurityRule =
  | "call"
  | "callable_attribute"
  | "multiplication"
  | "mutation"
  | "unsafe_attribute"
  | "split_empty"
  | "parse_json";

/** A gateway refusal: Python raises `SecurityError`, the gateway answers with a 4xx. */
export class TemplateSecurityError extends TemplateRenderError {
  readonly rule: SecurityRule;
  constructor(detail: string, rule: SecurityRule) {
    super(detail, "SecurityError");
    this.name = "TemplateSecurityError";
    this.rule = rule;
  }
}

/** The render ran past its budget of loop iterations + output characters (a runaway loop). */
export class RenderBudgetError extends TemplateRenderError {
  readonly budget: number;
  constructor(budget: number) {
    super(
      `render budget exceeded: more than ${budget.toLocaleString("en-US")} loop iterations + output characters (a loop that does not end, or inputs far larger than a prompt's)`,
      "RenderBudgetError",
    );
    this.name = "RenderBudgetError";
    this.budget = budget;
  }
}

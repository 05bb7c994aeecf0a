/**
 * Turning what goes wrong while rendering a definition into a UserError that names the
 * definition file and template line, the rule (for a refusal), and the dataset line.
 */
import { readFileSync } from "node:fs";
import type { SourcePosition } from "../core/errors.js";
import { formatPosition, UserError } from "../core/errors.js";
import type { IncludeRefusal } from "./include-loader.js";
import { TemplateRenderError, TemplateSyntaxError, UndefinedVariableError } from "./jinja/index.js";
import type { TemplatePart } from "./message-plan.js";
import { MissingIncludeError, type RequiredInput } from "./required-inputs.js";
import { SECURITY_BLOCK_TEMPLATE } from "./security-block.js";

/** Where an example came from, when the inputs are a dataset's. */
export type InputsSource = SourcePosition | undefined;

/**
 * Where line `templateLine` of a role's template sits in the YAML file, given the position of
 * the role's value: a block scalar (`|`, `>`) starts on the next line, a plain or quoted one
 * on the same line. Only read on the error path, so the extra file read costs nothing.
 */
export function lineInFile(value: SourcePosition, templateLine: number): SourcePosition {
  if (value.line === undefined || value.column === undefined) return value;
  let indicator: string | undefined;
  try {
    indicator = readFileSync(value.file, "utf8").split("\n")[value.line - 1]?.[value.column - 1];
  } catch {
    return value;
  }
  const block = indicator === "|" || indicator === ">";
  return { file: value.file, line: value.line + templateLine - (block ? 0 : 1) };
}

function inputsList(inputs: Record<string, unknown>): string {
  const keys = Object.keys(inputs);
  return keys.length === 0 ? "none" : keys.join(", ");
}

function fromDataset(source: InputsSource): string {
  return source ? ` (dataset ${formatPosition(source)})` : "";
}

/** The rule of a gateway refusal (`TemplateSecurityError.rule`, else Python's SecurityError). */
function refusalRule(err: TemplateRenderError): string | undefined {
  const rule = (err as { rule?: unknown }).rule;
  if (typeof rule === "string") return rule;
  return err.pythonType === "SecurityError" ? "unsafe_attribute" : undefined;
}

export interface FailureContext {
  root: string;
  /** Position of the message's value in the definition file. */
  where: SourcePosition;
  part: TemplatePart;
  templateName: string;
  inputs: Record<string, unknown>;
  source: InputsSource;
  refusal: IncludeRefusal | undefined;
}

export function renderFailure(err: unknown, context: FailureContext): unknown {
  const { part, where, templateName, source } = context;
  const field = part.field;
  const dataset = fromDataset(source);
  if (context.refusal !== undefined) {
    const { name, why } = context.refusal;
    return new UserError(
      `${field}: refusing to include "${name}": ${why}. Include paths are relative to the definitions root (${context.root}).${dataset}`,
      where,
    );
  }
  if (err instanceof MissingIncludeError) {
    return new UserError(
      `${field}: included template "${err.include}" not found under the definitions root (${context.root}); the gateway fails to build this prompt.${dataset}`,
      where,
    );
  }
  if (!(err instanceof TemplateRenderError) && !(err instanceof TemplateSyntaxError)) return err;
  const inOwnTemplate = err.templateName === undefined || err.templateName === templateName;
  let line = err.line;
  let inWhat = inOwnTemplate ? "" : ` in included template "${err.templateName}"`;
  if (inOwnTemplate && line !== undefined && part.prefixLines > 0) {
    if (line <= part.prefixLines) inWhat = ` in the security block (${SECURITY_BLOCK_TEMPLATE})`;
    else line -= part.prefixLines;
  }
  const lineText = line !== undefined ? ` (template line ${line}${inWhat})` : inWhat;
  const at = inOwnTemplate && line !== undefined && inWhat === "" ? lineInFile(where, line) : where;
  if (err instanceof TemplateSyntaxError) {
    return new UserError(`${field}: template syntax error${lineText}: ${err.detail}${dataset}`, at);
  }
  const rule = refusalRule(err);
  if (rule !== undefined) {
    return new UserError(
      `${field}: refused by the gateway's sandbox, rule "${rule}"${lineText}: ${err.detail}. The gateway rejects this request; rewrite the template without it.${dataset}`,
      at,
    );
  }
  if (err instanceof UndefinedVariableError) {
    return new UserError(
      `${field}: ${err.detail}${lineText}: a missing value is used further (given inputs: ${inputsList(context.inputs)}).${dataset}`,
      at,
    );
  }
  return new UserError(`${field}: cannot render${lineText}: ${err.detail}${dataset}`, at);
}

export interface MissingInput extends RequiredInput {
  field: string;
  /** Where it is read: the definition's line, or the included template's. */
  where: SourcePosition;
}

/** LangChain's "Input to ChatPromptTemplate is missing variables", at the dataset line. */
export function missingInputsError(
  definitionFile: string,
  missing: MissingInput[],
  inputs: Record<string, unknown>,
  source: InputsSource,
): UserError {
  const needs = missing.map((m) => {
    const by = m.includedFrom
      ? `included template ${formatPosition(m.where)}, which ${m.field} of ${definitionFile} includes`
      : `${m.field} at ${formatPosition(m.where)}`;
    return `"${m.name}" (read by ${by})`;
  });
  const names = [...new Set(missing.map((m) => `"${m.name}"`))];
  const plural = names.length > 1;
  return new UserError(
    `inputs lack ${needs.join(", ")}: the gateway refuses a request without ${plural ? "them" : "it"}, before rendering. Add ${names.join(", ")} to ${source ? "this example's" : "the"} inputs (given: ${inputsList(inputs)}).`,
    source,
  );
}

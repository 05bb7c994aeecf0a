/**
 * Checking a whole definitions tree without a config (`evalgate validate --definitions DIR`,
 * `evalgate prompts list`): every definition file is loaded, and for `validate` every template
 * is checked for what the gateway would refuse without any input — syntax, literal includes
 * that do not exist, and its sandbox's refusals visible in the text (calls, `*`, `**`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EvalgateError, type SourcePosition, UserError, UserErrors } from "../core/errors.js";
import { refuseIncludeName } from "./include-loader.js";
import type { TemplateAst } from "./jinja/ast.js";
import * as jinja from "./jinja/index.js";
import { JinjaEnvironment, TemplateSyntaxError } from "./jinja/index.js";
import type { PromptRegistry, ResolvedDefinition } from "./prompt-registry.js";
import { everyExpression, includedTemplateNames } from "./template-walk.js";

export interface SandboxViolation {
  rule: string;
  line: number;
  detail: string;
}

/** What the gateway's sandbox refuses, named for a user who meets it. */
const RULE_TEXT: Record<string, string> = {
  call: "a call: the gateway's sandbox refuses every call (methods, range(), namespace(), loop.cycle())",
  multiplication: "`*` or `**`: the gateway's sandbox refuses multiplication operators",
  callable_attribute: "a method read as an attribute: the gateway's sandbox treats it as unsafe",
  mutation: "a mutation: the gateway's immutable sandbox refuses it",
  unsafe_attribute: "an unsafe attribute",
};

/**
 * The refusals visible without rendering. The engine's `staticSandboxViolations` (branch
 * i8-jinja) is used when the engine has it; until then, calls and `*`/`**` are found here.
 */
export function sandboxViolations(ast: TemplateAst): SandboxViolation[] {
  const fromEngine = (jinja as unknown as Record<string, unknown>).staticSandboxViolations;
  if (typeof fromEngine === "function") return (fromEngine as typeof ownViolations)(ast);
  return ownViolations(ast);
}

function ownViolations(ast: TemplateAst): SandboxViolation[] {
  const found: SandboxViolation[] = [];
  for (const expr of everyExpression(ast.body)) {
    if (expr.kind === "call") found.push({ rule: "call", line: expr.line, detail: "call" });
    if (expr.kind === "binary" && (expr.op === "*" || expr.op === "**"))
      found.push({ rule: "multiplication", line: expr.line, detail: expr.op });
  }
  return found.sort((a, b) => a.line - b.line);
}

export interface DefinitionFile {
  promptId: string;
  family: string;
  version: string;
  file: string;
}

/** Every definition file of the tree, with the exact (prompt id, family, version) it stands for. */
export function definitionFiles(registry: PromptRegistry): DefinitionFile[] {
  return registry.list().flatMap((prompt) =>
    prompt.families.flatMap((family) =>
      family.versions.map((version, i) => ({
        promptId: prompt.promptId,
        family: family.family,
        version,
        file: family.files[i]!,
      })),
    ),
  );
}

function problemsOf(err: unknown): UserError[] {
  if (err instanceof UserErrors) return [...err.problems];
  if (err instanceof UserError) return [err];
  if (err instanceof EvalgateError) return [new UserError(err.message)];
  throw err;
}

/** Load every definition; the ones that load, and every problem of the ones that do not. */
export function loadEveryDefinition(registry: PromptRegistry): {
  loaded: ResolvedDefinition[];
  files: number;
  problems: UserError[];
} {
  const loaded: ResolvedDefinition[] = [];
  const problems: UserError[] = [];
  const seen = new Set<string>();
  const files = definitionFiles(registry);
  for (const { promptId, family, version } of files) {
    const key = `${promptId}\u0000${family}\u0000${version}`;
    if (seen.has(key)) continue; // two files for one version: one ambiguity error
    seen.add(key);
    try {
      loaded.push(registry.resolve(promptId, [family], `==${version}`));
    } catch (err) {
      problems.push(...problemsOf(err));
    }
  }
  return { loaded, files: files.length, problems };
}

/** The line of `role:` under `prompt_template:`, and whether its value is a block scalar. */
function roleLine(text: string, role: string): { line: number; block: boolean } | undefined {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => /^prompt_template\s*:/.test(l));
  if (start < 0) return undefined;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\S/.test(line)) break;
    const m = new RegExp(`^\\s+${role}\\s*:\\s*(.?)`).exec(line);
    if (m) return { line: i + 1, block: m[1] === "|" || m[1] === ">" };
  }
  return undefined;
}

interface TemplateSource {
  role: string;
  /** Index in a list-valued role. */
  index: number | undefined;
  source: string;
}

function templatesOf(resolved: ResolvedDefinition): TemplateSource[] {
  const template = resolved.definition.prompt_template as Record<string, unknown>;
  return Object.entries(template).flatMap(([role, value]): TemplateSource[] => {
    if (role === "placeholder") return [];
    if (typeof value === "string") return [{ role, index: undefined, source: value }];
    if (!Array.isArray(value)) return [];
    return value.flatMap((source, index) =>
      typeof source === "string" ? [{ role, index, source }] : [],
    );
  });
}

/** Static checks of every template and of every partial they include by literal name. */
export function staticTemplateProblems(
  registry: PromptRegistry,
  definitions: readonly ResolvedDefinition[],
): { problems: UserError[]; partials: number } {
  const env = new JinjaEnvironment({ loader: () => undefined });
  const problems: UserError[] = [];
  const partials = new Map<string, TemplateAst | null>();
  const partialSource = (name: string): string | undefined => {
    try {
      return readFileSync(join(registry.root, ...name.split("/")), "utf8");
    } catch {
      return undefined;
    }
  };
  const checkAst = (ast: TemplateAst, field: string, at: (line: number) => SourcePosition) => {
    for (const v of sandboxViolations(ast)) {
      problems.push(
        new UserError(
          `${field}: template line ${v.line}: ${RULE_TEXT[v.rule] ?? v.rule}; the gateway refuses to render it`,
          at(v.line),
        ),
      );
    }
    for (const name of includedTemplateNames(ast)) {
      if (name === null) continue;
      const why = refuseIncludeName(name);
      if (why !== undefined) {
        problems.push(new UserError(`${field}: cannot include "${name}": ${why}`, at(1)));
        continue;
      }
      if (!partials.has(name)) {
        const source = partialSource(name);
        if (source === undefined) {
          problems.push(
            new UserError(
              `${field}: includes "${name}", which does not exist under ${registry.root}`,
              at(1),
            ),
          );
          continue;
        }
        partials.set(name, null); // guards against include cycles while this one is checked
        const file = join(registry.root, name);
        const parsed = parse(source, name, "template", (line) => ({ file, line }));
        partials.set(name, parsed ?? null);
        if (parsed) checkAst(parsed, "template", (line) => ({ file, line }));
      }
    }
  };
  const parse = (
    source: string,
    name: string,
    field: string,
    at: (line: number) => SourcePosition,
  ): TemplateAst | undefined => {
    try {
      return env.parse(source, name);
    } catch (err) {
      if (!(err instanceof TemplateSyntaxError)) throw err;
      problems.push(
        new UserError(
          `${field}: template syntax error (template line ${err.line}): ${err.detail}`,
          at(err.line),
        ),
      );
      return undefined;
    }
  };
  for (const resolved of definitions) {
    const file = join(registry.root, resolved.file);
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      // it loaded a moment ago; positions are then the file alone
    }
    for (const { role, index, source } of templatesOf(resolved)) {
      const field = `prompt_template.${role}${index === undefined ? "" : `[${index}]`}`;
      const key = roleLine(text, role);
      const at = (line: number): SourcePosition =>
        key === undefined || index !== undefined
          ? { file }
          : { file, line: key.line + line - (key.block ? 0 : 1) };
      const ast = parse(source, `${resolved.file}#${field}`, field, at);
      if (ast) checkAst(ast, field, at);
    }
  }
  return { problems, partials: partials.size };
}

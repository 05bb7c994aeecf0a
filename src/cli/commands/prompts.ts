import { dirname, resolve } from "node:path";
import { familyChainFor } from "../../catalog/index.js";
import {
  entryFileSchema,
  findConfigFile,
  GATEWAY_VERSIONS,
  type GatewayVersion,
  loadYamlFile,
} from "../../config/index.js";
import { type SourcePosition, UserError, UserErrors } from "../../core/errors.js";
import type { RenderedPrompt } from "../../core/types.js";
import { readUserFile } from "../../core/user-files.js";
import {
  isVersionName,
  loadEveryDefinition,
  loadPromptRegistry,
  type PromptSummary,
} from "../../prompts/index.js";
import { alignColumns } from "../../reports/index.js";
import { type CliIO, type Command, parseCommandArgs } from "../command.js";
import { renderExampleFromConfig } from "../prompt-from-config.js";

const USAGE = [
  "evalgate prompts list [--definitions DIR | --config FILE] [--json]",
  "       evalgate prompts render [--definitions DIR | --config FILE] --prompt ID --family FAMILY[,FAMILY...] [--version CONSTRAINT] [--gateway-version current|2026-03|2026-02|2026-01] --inputs FILE.json",
  "       evalgate prompts render --config FILE --feature ID --example ID [--model NAME] [--suite NAME]",
].join("\n");

/**
 * `--family mixtral` expands to the built-in chain (mixtral, mistral); `--family a,b` is taken
 * as the chain itself, for families the built-in table does not know.
 */
export function familyChainFromArgument(argument: string): string[] {
  const names = argument
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (names.length === 0) throw new UserError(`--family is empty\nusage: ${USAGE}`);
  if (names.length > 1) return names;
  return familyChainFor(names[0]!) ?? names;
}

function positionInText(file: string, text: string, message: string): SourcePosition {
  const m = /position (\d+)/.exec(message);
  if (!m) return { file };
  const before = text.slice(0, Number(m[1]));
  const lines = before.split("\n");
  return { file, line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

async function readInputs(file: string): Promise<Record<string, unknown>> {
  const text = await readUserFile(
    file,
    "inputs file",
    "pass a JSON file holding the template variables",
  );
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new UserError(
      `inputs file is not valid JSON (${message}); it must hold one object of template variables, e.g. {"content": "..."}`,
      positionInText(file, text, message),
    );
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UserError(
      'inputs file must hold one JSON object of template variables, e.g. {"content": "..."}',
      { file },
    );
  }
  return value as Record<string, unknown>;
}

function listText(prompts: PromptSummary[], root: string): string {
  if (prompts.length === 0) return `no prompt definitions under ${root}\n`;
  const rows = [["PROMPT", "FAMILY", "VERSIONS"]];
  for (const prompt of prompts) {
    for (const family of prompt.families) {
      const older = family.files.some(
        (f) => !isVersionName(f.slice(f.lastIndexOf("/") + 1).replace(/\.ya?ml$/, "")),
      );
      const versions = family.versions.join(", ") + (older ? " (older layout)" : "");
      rows.push([prompt.promptId, family.family, versions]);
    }
  }
  return `${alignColumns(rows)}\n`;
}

/**
 * `--definitions DIR` as given; else the `definitions` folder of the config (`--config`, or
 * the one found walking up from the working directory).
 */
async function definitionsDir(
  io: CliIO,
  values: { definitions?: string | undefined; config?: string | undefined },
): Promise<{ dir: string; gatewayVersion?: GatewayVersion }> {
  if (values.definitions !== undefined) return { dir: resolve(io.cwd, values.definitions) };
  const entryFile = findConfigFile(io.cwd, values.config);
  const entry = await loadYamlFile(entryFile, entryFileSchema);
  return {
    dir: resolve(dirname(entryFile), entry.value.definitions),
    gatewayVersion: entry.value.gateway_version,
  };
}

async function listCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(prompts, argv, {
    definitions: { type: "string" },
    json: { type: "boolean" },
  });
  const registry = await loadPromptRegistry((await definitionsDir(io, values)).dir);
  const summaries = registry.list();
  if (values.json) {
    const json = summaries.map((p) => ({
      prompt_id: p.promptId,
      families: p.families.map((f) => ({ family: f.family, versions: f.versions, files: f.files })),
    }));
    io.out(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    io.out(listText(summaries, registry.root));
  }
  // Listing reads only the tree's shape; loading every file too means one command shows
  // every definition the gateway would refuse to load.
  const { problems, files, loaded } = loadEveryDefinition(registry);
  if (problems.length > 0) {
    if (!values.json)
      io.out(`${files - loaded.length} of ${files} definition file(s) do not load\n`);
    throw new UserErrors(problems);
  }
  return 0;
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === "") {
    throw new UserError(`prompts render needs ${flag}\nusage: ${USAGE}`);
  }
  return value;
}

function gatewayVersionArgument(value: string | undefined): GatewayVersion {
  if (value === undefined) return "current";
  const known: readonly string[] = GATEWAY_VERSIONS;
  if (!known.includes(value)) {
    throw new UserError(
      `--gateway-version "${value}" is not one of ${GATEWAY_VERSIONS.join(", ")}\nusage: ${USAGE}`,
    );
  }
  return value as GatewayVersion;
}

async function renderCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(prompts, argv, {
    config: { type: "string" },
    feature: { type: "string" },
    example: { type: "string" },
    model: { type: "string" },
    suite: { type: "string" },
    definitions: { type: "string" },
    prompt: { type: "string" },
    family: { type: "string" },
    version: { type: "string" },
    inputs: { type: "string" },
    "gateway-version": { type: "string" },
  });
  // `--feature`/`--example` render a dataset example; otherwise `--prompt` with an inputs file.
  if (values.feature !== undefined || values.example !== undefined) {
    const { model, exampleId, rendered } = await renderExampleFromConfig({
      configFile: findConfigFile(io.cwd, values.config),
      feature: required(values.feature, "--feature ID"),
      exampleId: required(values.example, "--example ID"),
      ...(values.model !== undefined ? { model: values.model } : {}),
      ...(values.suite !== undefined ? { suite: values.suite } : {}),
    });
    io.out(
      `${JSON.stringify({ model, example_id: exampleId, ...renderedJson(rendered) }, null, 2)}\n`,
    );
    return 0;
  }
  const promptId = required(values.prompt, "--prompt ID");
  const chain = familyChainFromArgument(required(values.family, "--family FAMILY"));
  const inputsFile = resolve(io.cwd, required(values.inputs, "--inputs FILE.json"));
  const source = await definitionsDir(io, values);
  // `--gateway-version` wins; else the configuration's `gateway_version`, as `run` uses it.
  const gatewayVersion =
    values["gateway-version"] === undefined && source.gatewayVersion !== undefined
      ? source.gatewayVersion
      : gatewayVersionArgument(values["gateway-version"]);
  const registry = await loadPromptRegistry(source.dir, { gatewayVersion });
  const inputs = await readInputs(inputsFile);
  const resolved = registry.resolve(promptId, chain, values.version);
  const rendered = registry.render(resolved, inputs, undefined, { file: inputsFile });
  io.out(`${JSON.stringify(renderedJson(rendered), null, 2)}\n`);
  return 0;
}

function renderedJson(rendered: RenderedPrompt) {
  return {
    prompt_id: rendered.promptId,
    family: rendered.family,
    version: rendered.version,
    file: rendered.file,
    messages: rendered.messages.map((m) => ({ role: m.role, content: m.content })),
    params: rendered.params,
  };
}

export const prompts: Command = {
  name: "prompts",
  summary: "list prompt definitions, or render one exactly as it would be sent",
  usage: USAGE,
  flags: [
    [
      "--definitions DIR",
      "prompt definitions folder in the gateway layout (default config/prompts)",
    ],
    ["--json", "list: print the definitions as JSON"],
    ["--prompt ID", "render: the prompt id, e.g. chat/explain_code"],
    [
      "--family FAMILY[,FAMILY...]",
      "render: a family (its built-in fallback chain) or the chain itself",
    ],
    ["--version CONSTRAINT", "render: poetry-style version constraint (default ^1.0.0)"],
    ["--gateway-version V", "render: follow an older gateway's rendering rules (default current)"],
    ["--inputs FILE.json", "render: one JSON object of template variables"],
    ["--config FILE", "render: take prompt, family and inputs from this configuration instead"],
    ["--feature ID", "render --config: the feature whose prompt and dataset to use"],
    ["--example ID", "render --config: the dataset example to render"],
    ["--model NAME", "render --config: the catalog model (default: the suite's first)"],
    ["--suite NAME", "render --config: the suite (default: default_suite)"],
  ],
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === "list") return listCommand(rest, io);
    if (sub === "render") return renderCommand(rest, io);
    throw new UserError(
      `${sub === undefined ? "missing sub-command" : `unknown sub-command "${sub}"`}; use list or render\nusage: ${USAGE}`,
    );
  },
};

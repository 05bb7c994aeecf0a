import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { configJsonSchemas, jsonSchemaFor } from "../../config/index.js";
import { ExitCode, UserError } from "../../core/errors.js";
import { promptDefinitionSchema } from "../../prompts/index.js";
import { type CliIO, type Command, parseCommandArgs } from "../command.js";

const USAGE = "evalgate schema [--out DIR]";

/**
 * JSON Schemas of every YAML file evalgate reads, by file kind. The prompt definition schema
 * belongs to the prompts stage, which sits right of config, so it is gathered here.
 */
export function allJsonSchemas(): Record<string, Record<string, unknown>> {
  return {
    ...configJsonSchemas(),
    "prompt-definition.yml": jsonSchemaFor(promptDefinitionSchema, "prompt-definition.yml"),
  };
}

/** `models.yaml` → `models.schema.json`. */
export function schemaFileName(kind: string): string {
  return `${kind.replace(/\.ya?ml$/, "")}.schema.json`;
}

export const schema: Command = {
  name: "schema",
  summary: "print (or write with --out) JSON Schemas of the YAML files, for editors",
  usage: USAGE,
  flags: [
    ["--out DIR", "write one <kind>.schema.json per file kind into DIR (default: all on stdout)"],
  ],
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs({ name: "schema", usage: USAGE }, argv, {
      out: { type: "string" },
    });
    const schemas = allJsonSchemas();
    if (values.out === undefined) {
      io.out(`${JSON.stringify(schemas, null, 2)}\n`);
      return ExitCode.ok;
    }
    const dir = resolve(io.cwd, values.out);
    for (const [kind, json] of Object.entries(schemas)) {
      const file = join(dir, schemaFileName(kind));
      try {
        await mkdir(dir, { recursive: true });
        await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? String(err);
        throw new UserError(`cannot write the schema (${code}); pick a writable --out folder`, {
          file,
        });
      }
      io.out(`wrote ${file}\n`);
    }
    return ExitCode.ok;
  },
};

import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { main } from "../../src/cli/evalgate.js";
import { collectingIO } from "../support/cli-io.js";

const ROOT = join(import.meta.dirname, "..", "..");

type JsonSchema = {
  $schema?: string;
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  required?: string[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
};

/** Every key of `value` must be declared by `schema` (recursively); returns the undeclared ones. */
function undeclaredKeys(value: unknown, schema: JsonSchema, path = ""): string[] {
  if (Array.isArray(value) && schema.items) {
    return value.flatMap((v, i) => undeclaredKeys(v, schema.items!, `${path}[${i}]`));
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const sub =
      schema.properties?.[k] ??
      (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
    if (!sub) return [`${path}.${k}`];
    return undeclaredKeys(v, sub, `${path}.${k}`);
  });
}

let outDir: string | undefined;
afterEach(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
  outDir = undefined;
});

describe("evalgate schema", () => {
  it("prints one JSON object of draft 2020-12 schemas with descriptions", async () => {
    const run = collectingIO(ROOT);
    expect(await main(["schema"], run.io)).toBe(0);
    const schemas = JSON.parse(run.out()) as Record<string, JsonSchema>;
    expect(Object.keys(schemas)).toEqual([
      "evalgate.yaml",
      "models.yaml",
      "features.yaml",
      "evaluator.yaml",
      "prompt-definition.yml",
    ]);
    for (const [name, schema] of Object.entries(schemas)) {
      expect(schema.$schema, name).toBe("https://json-schema.org/draft/2020-12/schema");
      expect(schema.type, name).toBe("object");
      expect(schema.additionalProperties, name).toBe(false);
    }
    const entry = schemas["evalgate.yaml"]!;
    expect(entry.required).toEqual(
      expect.arrayContaining(["models", "features", "judge", "suites"]),
    );
    for (const [key, sub] of Object.entries(entry.properties!)) {
      expect(sub.description, `evalgate.yaml ${key}`).toBeTruthy();
    }
    const model = schemas["models.yaml"]!.properties!.models!.items!;
    for (const [key, sub] of Object.entries(model.properties!)) {
      expect(sub.description, `models.yaml models[].${key}`).toBeTruthy();
    }
    // Keys with defaults are optional to write, as in the YAML.
    expect(model.required).toEqual(["name", "family", "identifier"]);
    const feature = schemas["features.yaml"]!.properties!.features!.items!;
    expect(feature.properties!.release_state!.enum).toEqual(["ga", "beta", "experiment"]);
  });

  it("declares every key the bundled config files use", async () => {
    const run = collectingIO(ROOT);
    await main(["schema"], run.io);
    const schemas = JSON.parse(run.out()) as Record<string, JsonSchema>;
    for (const [file, kind] of [
      ["config/evalgate.yaml", "evalgate.yaml"],
      ["config/models.yaml", "models.yaml"],
      ["config/features.yaml", "features.yaml"],
    ] as const) {
      const value = parse(await readFile(join(ROOT, file), "utf8"));
      expect(undeclaredKeys(value, schemas[kind]!), file).toEqual([]);
    }
    expect(
      undeclaredKeys({ models: [{ name: "x", endpiont: "y" }] }, schemas["models.yaml"]!),
    ).toEqual([".models[0].endpiont"]);
  });

  it("writes one <name>.schema.json per file kind with --out", async () => {
    outDir = await mkdtemp(join(tmpdir(), "evalgate-schema-"));
    const run = collectingIO(outDir);
    expect(await main(["schema", "--out", "schemas"], run.io)).toBe(0);
    const files = (await readdir(join(outDir, "schemas"))).sort();
    expect(files).toEqual([
      "evalgate.schema.json",
      "evaluator.schema.json",
      "features.schema.json",
      "models.schema.json",
      "prompt-definition.schema.json",
    ]);
    const models = JSON.parse(
      await readFile(join(outDir, "schemas", "models.schema.json"), "utf8"),
    );
    expect(models.title).toBe("models.yaml");
  });

  it("keeps the committed editor schemas in config/schemas up to date", async () => {
    const run = collectingIO(ROOT);
    await main(["schema"], run.io);
    const schemas = JSON.parse(run.out()) as Record<string, unknown>;
    for (const [kind, schema] of Object.entries(schemas)) {
      const file = join(ROOT, "config", "schemas", `${kind.replace(/\.ya?ml$/, "")}.schema.json`);
      const committed = JSON.parse(await readFile(file, "utf8"));
      expect(
        committed,
        `${file} is stale: run \`npx tsx src/cli/main.ts schema --out config/schemas\``,
      ).toEqual(schema);
    }
  });
});

import { z } from "zod";
import { entryFileSchema } from "./schemas/entry-schema.js";
import { evaluatorFileSchema } from "./schemas/evaluator-schema.js";
import { featuresFileSchema } from "./schemas/features-schema.js";
import { modelsFileSchema } from "./schemas/models-schema.js";

/** The schema of every config file, by the file name it validates. */
export const configFileSchemas = {
  "evalgate.yaml": entryFileSchema,
  "models.yaml": modelsFileSchema,
  "features.yaml": featuresFileSchema,
  "evaluator.yaml": evaluatorFileSchema,
} as const satisfies Record<string, z.ZodType>;

/**
 * JSON Schema (draft 2020-12) for a zod schema, describing what a user may *write*: keys with
 * defaults are optional, as they are in the YAML.
 */
export function jsonSchemaFor(schema: z.ZodType, title: string): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return { ...json, title };
}

/** JSON Schemas for evalgate.yaml, models.yaml, features.yaml and evaluator files. */
export function configJsonSchemas(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(configFileSchemas).map(([name, schema]) => [name, jsonSchemaFor(schema, name)]),
  );
}

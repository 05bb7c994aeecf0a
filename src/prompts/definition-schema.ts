/**
 * The schema of one prompt definition file, as the AI gateway reads it. Strict at every level
 * the gateway is strict (unknown keys are errors); `model.params` is open because providers
 * accept many sampling keys, but the common ones are type-checked.
 */
import { z } from "zod";

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const paramValue = z.union([scalar, z.array(scalar)]);

export const definitionModelParamsSchema = z
  .object({
    temperature: z.number().min(0).optional(),
    max_tokens: z.number().int().positive().optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.number().int().positive().optional(),
    stop: z.union([z.string(), z.array(z.string())]).optional(),
    timeout: z.number().positive().optional(),
    model_class_provider: z.string().optional(),
    custom_llm_provider: z.string().optional(),
  })
  .catchall(paramValue);

const modelSchema = z.strictObject({
  name: z.string().optional(),
  params: definitionModelParamsSchema.optional(),
});

export const PROMPT_ROLES = ["system", "user", "assistant"] as const;
export type PromptRole = (typeof PROMPT_ROLES)[number];

const promptTemplateSchema = z
  .strictObject({
    system: z.string().optional(),
    user: z.string().optional(),
    assistant: z.string().optional(),
  })
  .refine((t) => PROMPT_ROLES.some((role) => t[role] !== undefined), {
    message: "needs at least one of system, user, assistant",
  });

const definitionParamsSchema = z.strictObject({
  timeout: z.number().positive().optional(),
  stop: z.array(z.string()).optional(),
  vertex_location: z.string().optional(),
  cache_control_injection_points: z.array(z.unknown()).optional(),
});

export const promptDefinitionSchema = z.strictObject({
  name: z.string().min(1),
  model: modelSchema.optional(),
  unit_primitive: z.string().optional(),
  unit_primitives: z.array(z.string()).optional(),
  prompt_template: promptTemplateSchema,
  params: definitionParamsSchema.optional(),
});

export type PromptDefinition = z.output<typeof promptDefinitionSchema>;

/**
 * The schema of one prompt definition file: the gateway's `PromptConfig`
 * (ai_gateway/prompts/config/base.py, pydantic `extra="forbid"` at every level), so a file the
 * gateway would refuse to load is refused here too, at its file:line:column.
 */
import { z } from "zod";

/** `BaseModelParams` (ai_gateway/model_selection/models.py): the only keys `model.params` takes. */
export const definitionModelParamsSchema = z.strictObject({
  model: z.string().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  top_k: z.number().int().nullish(),
  max_tokens: z.number().int().nullish(),
  max_retries: z.number().int().nullish(),
  extra_headers: z.record(z.string(), z.string()).nullish(),
});

const openAIProviderParamsSchema = z.strictObject({
  verbosity: z.string().nullish(),
  reasoning: z
    .strictObject({
      effort: z.union([z.string(), z.number().int()]).nullish(),
      summary: z.string().nullish(),
    })
    .refine((r) => r.effort != null || r.summary != null, {
      message: "reasoning must set at least one of effort/summary; omit the block to use defaults",
    })
    .nullish(),
});

/** `PromptProviderParams`: blocks applied only when the prompt resolves to that provider. */
const providerParamsSchema = z
  .strictObject({ openai: openAIProviderParamsSchema.nullish() })
  .refine((p) => p.openai != null, {
    message: "provider_params must set at least one provider block",
  })
  .refine((p) => p.openai == null || Object.values(p.openai).some((v) => v != null), {
    message: "provider_params blocks must not be empty: openai",
  });

const modelSchema = z.strictObject({
  params: definitionModelParamsSchema.optional(),
  provider_params: providerParamsSchema.nullish(),
});

/**
 * Role keys of `prompt_template`, as LangChain's ChatPromptTemplate reads them: `human`/`user`,
 * `ai`/`assistant`, `system`, and `placeholder` (its value names the input whose messages are
 * spliced in). `system_<part>` keys (the chat agent's `system_static`/`system_dynamic`) are
 * system messages.
 */
export const PROMPT_ROLES = ["system", "user", "human", "assistant", "ai", "placeholder"] as const;
export type PromptRole = string;

export function isPromptRole(key: string): boolean {
  return (PROMPT_ROLES as readonly string[]).includes(key) || /^system_[A-Za-z0-9_]+$/.test(key);
}

/** Role -> template (or one template per message), in file order: the order messages are sent. */
const promptTemplateSchema = z
  .record(z.string(), z.union([z.string(), z.array(z.string())]))
  .superRefine((template, ctx) => {
    for (const [key, value] of Object.entries(template)) {
      if (!isPromptRole(key)) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `unknown role "${key}"; use system, user (or human), assistant (or ai), placeholder, or system_<part>`,
        });
      } else if (key === "placeholder" && (typeof value !== "string" || value.trim() === "")) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: "placeholder names one input holding a list of messages (a string)",
        });
      }
    }
    if (!Object.keys(template).some((key) => key !== "placeholder")) {
      ctx.addIssue({ code: "custom", message: "needs at least one message role" });
    }
  });

/** `PromptParams` (ai_gateway/model_selection/model_selection_config.py). */
const definitionParamsSchema = z.strictObject({
  stop: z.array(z.string()).nullish(),
  timeout: z.number().nullish(),
  vertex_location: z.string().nullish(),
  cache_control_injection_points: z.array(z.record(z.string(), z.unknown())).nullish(),
  context_management: z.record(z.string(), z.unknown()).nullish(),
  model_id: z.string().nullish(),
});

export const promptDefinitionSchema = z
  .strictObject({
    name: z.string().min(1),
    model: modelSchema.optional(),
    unit_primitive: z.string().min(1).optional(),
    /** The older spelling (a list; the gateway uses the first). */
    unit_primitives: z.array(z.string().min(1)).optional(),
    prompt_template: promptTemplateSchema,
    params: definitionParamsSchema.nullish(),
    operation_type: z.enum(["standard", "compaction_auto", "compaction_manual"]).optional(),
  })
  .refine((d) => d.unit_primitive !== undefined || d.unit_primitives !== undefined, {
    message: "missing required key unit_primitive (the GitLab unit primitive the prompt bills to)",
    path: ["unit_primitive"],
  });

export type PromptDefinition = z.output<typeof promptDefinitionSchema>;

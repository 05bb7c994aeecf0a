import { z } from "zod";
import { catalogName, envVarName, familyName, httpUrl } from "./field-types.js";

export const modelParamsSchema = z
  .strictObject({
    temperature: z.number().min(0).max(2).optional().describe("Sampling temperature (0–2)."),
    max_tokens: z.number().int().positive().optional().describe("Upper bound on generated tokens."),
    top_p: z.number().min(0).max(1).optional().describe("Nucleus sampling mass (0–1)."),
    stop: z.array(z.string()).optional().describe("Stop sequences."),
    timeout: z.number().positive().optional().describe("Per-request timeout in seconds."),
    seed: z.number().int().optional().describe("Sampling seed, where the server supports it."),
    frequency_penalty: z.number().min(-2).max(2).optional().describe("OpenAI frequency penalty."),
    presence_penalty: z.number().min(-2).max(2).optional().describe("OpenAI presence penalty."),
    top_k: z
      .number()
      .int()
      .min(-1)
      .optional()
      .describe("vLLM / OpenAI-compatible: sample from the k most likely tokens (-1: all)."),
    min_p: z.number().min(0).max(1).optional().describe("vLLM: minimum token probability (0–1)."),
    repetition_penalty: z
      .number()
      .positive()
      .optional()
      .describe("vLLM: penalty above 1 discourages repeating tokens (1: none)."),
    extra_body: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        "OpenAI-compatible servers: fields merged into the JSON request body as given (server-specific options such as guided_json or chat_template_kwargs).",
      ),
    additionalModelRequestFields: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        "Bedrock: model-specific fields passed to Converse as additionalModelRequestFields (e.g. top_k for Anthropic models).",
      ),
  })
  .describe("Request parameters for this model; a prompt definition's model.params override them.");

export const modelLimitsSchema = z
  .strictObject({
    concurrency: z
      .number()
      .int()
      .min(1)
      .default(4)
      .describe("Requests in flight at once against this model (default 4)."),
    requests_per_minute: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Rate limit the runner keeps under (requests per minute)."),
    tokens_per_minute: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Rate limit the runner keeps under (input + output tokens per minute)."),
  })
  .describe("How hard evalgate may push this model's endpoint.");

export const modelPricesSchema = z
  .strictObject({
    input_per_million: z.number().min(0).describe("USD per million input tokens."),
    output_per_million: z.number().min(0).describe("USD per million output tokens."),
  })
  .describe("Token prices, used for cost columns in reports.");

export const modelEntrySchema = z
  .strictObject({
    name: catalogName.describe("Name suites and the judge setting use to refer to this model."),
    family: familyName.describe(
      "Model family (mistral, mixtral, codestral, llama3, claude_3, gpt, …); picks the prompt folder.",
    ),
    identifier: z
      .string()
      .min(1)
      .describe(
        "Provider prefix plus served name: custom_openai/<served name> (vLLM and other OpenAI-compatible servers; no prefix means custom_openai), fireworks_ai/<model>, openai/<model>, azure/<deployment>, bedrock/<model id>.",
      ),
    endpoint: httpUrl
      .optional()
      .describe(
        "Base URL: .../v1 for OpenAI-compatible servers, the resource URL for Azure, an endpoint override for Bedrock.",
      ),
    api_key_env: envVarName
      .optional()
      .describe("Name of the environment variable holding the API key (never the key)."),
    region: z.string().min(1).optional().describe("AWS region; required for bedrock/ models."),
    api_version: z
      .string()
      .min(1)
      .optional()
      .describe("Azure OpenAI API version like 2024-10-21; required for azure/ models."),
    params: modelParamsSchema.optional(),
    limits: modelLimitsSchema.optional(),
    prices: modelPricesSchema.optional(),
    role: z
      .enum(["model", "judge"])
      .default("model")
      .describe("`judge` marks judge models (used by the simulator's quality profile only)."),
  })
  .describe("One model evalgate can call.");

export const modelsFileSchema = z
  .strictObject({
    families: z
      .record(familyName, z.array(familyName))
      .optional()
      .describe(
        "Overrides or additions to the built-in family fallback chains, e.g. mixtral: [mixtral, mistral]. An empty chain means always use `base`.",
      ),
    models: z.array(modelEntrySchema).min(1, "list at least one model").describe("The models."),
  })
  .describe("evalgate model catalog (models.yaml).");

export type ModelEntry = z.output<typeof modelEntrySchema>;
export type ModelsFile = z.output<typeof modelsFileSchema>;

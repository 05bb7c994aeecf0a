import { afterEach, describe, expect, it } from "vitest";
import {
  BUILTIN_FAMILY_CHAINS,
  buildCatalog,
  checkCatalog,
  familyChainFor,
  parseIdentifier,
} from "../../src/catalog/index.js";
import { loadConfig } from "../../src/config/index.js";
import { UserError, UserErrors } from "../../src/core/errors.js";
import { change, type TempConfig, VALID_FILES, writeTempConfig } from "../config/temp-config.js";

let temp: TempConfig | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

async function catalogProblems(changes: Record<string, string>) {
  temp = await writeTempConfig(changes);
  return checkCatalog(await loadConfig(temp.entry)).problems;
}

/** Everything buildCatalog throws, as a list. */
async function buildProblems(changes: Record<string, string>): Promise<UserError[]> {
  temp = await writeTempConfig(changes);
  const config = await loadConfig(temp.entry);
  try {
    buildCatalog(config);
    return [];
  } catch (err) {
    if (err instanceof UserErrors) return [...err.problems];
    if (err instanceof UserError) return [err];
    throw err;
  }
}

describe("family chains", () => {
  it("follows the gateway's fallbacks", () => {
    expect(familyChainFor("mixtral")).toEqual(["mixtral", "mistral"]);
    expect(familyChainFor("codestral")).toEqual(["codestral", "mistral"]);
    expect(familyChainFor("mistral")).toEqual(["mistral"]);
    expect(familyChainFor("claude_3")).toEqual(["claude_3"]);
    expect(familyChainFor("general")).toEqual([]);
    expect(familyChainFor("granite")).toBeUndefined();
    expect(familyChainFor("constructor")).toBeUndefined();
    expect(Object.keys(BUILTIN_FAMILY_CHAINS).sort()).toEqual(
      [
        "claude_3",
        "codegemma",
        "codellama",
        "codestral",
        "deepseekcoder",
        "gemini",
        "general",
        "gpt",
        "llama3",
        "mistral",
        "mixtral",
        "qwen",
      ].sort(),
    );
  });

  it("lets models.yaml override and add families", async () => {
    temp = await writeTempConfig({
      "models.yaml": `families:\n  mixtral: [mixtral]\n  granite: [granite, llama3]\n${VALID_FILES["models.yaml"]!.replace("family: mistral", "family: granite")}`,
    });
    // checkCatalog, not buildCatalog: mistral-local is now a granite model, which `explain` does not list.
    const catalog = checkCatalog(await loadConfig(temp.entry)).catalog;
    expect(catalog.familyChain("mixtral")).toEqual(["mixtral"]);
    expect(catalog.familyChain("granite")).toEqual(["granite", "llama3"]);
    expect(catalog.familyChain("codestral")).toEqual(["codestral", "mistral"]);
    expect(catalog.models.get("mistral-local")!.familyChain).toEqual(["granite", "llama3"]);
    expect(() => catalog.familyChain("nope")).toThrow(/unknown model family "nope"/);
  });
});

describe("identifiers", () => {
  it("derives provider, served name and default endpoints from the prefix", () => {
    const cases: [string, string, string, string, string | undefined][] = [
      [
        "custom_openai/mistralai/Mistral-7B-Instruct-v0.3",
        "custom_openai",
        "openai_compatible",
        "mistralai/Mistral-7B-Instruct-v0.3",
        undefined,
      ],
      ["Mistral-7B", "custom_openai", "openai_compatible", "Mistral-7B", undefined],
      [
        "fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct",
        "fireworks_ai",
        "openai_compatible",
        "accounts/fireworks/models/llama-v3p1-8b-instruct",
        "https://api.fireworks.ai/inference/v1",
      ],
      ["openai/gpt-4o", "openai", "openai_compatible", "gpt-4o", "https://api.openai.com/v1"],
      ["azure/gpt-4o", "azure", "azure_openai", "gpt-4o", undefined],
      [
        "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
        "bedrock",
        "bedrock",
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        undefined,
      ],
    ];
    for (const [identifier, prefix, provider, served, endpoint] of cases) {
      const parsed = parseIdentifier(identifier);
      if (typeof parsed === "string") throw new Error(parsed);
      expect([
        parsed.prefix,
        parsed.kind.provider,
        parsed.servedName,
        parsed.kind.defaultEndpoint,
      ]).toEqual([prefix, provider, served, endpoint]);
    }
  });

  it("builds catalog models with defaults applied", async () => {
    temp = await writeTempConfig();
    const catalog = buildCatalog(await loadConfig(temp.entry));
    expect(catalog.models.get("mistral-local")).toMatchObject({
      provider: "openai_compatible",
      identifierPrefix: "custom_openai",
      servedName: "mistralai/Mistral-7B-Instruct-v0.3",
      endpoint: "http://localhost:8000/v1",
      apiKeyEnv: "VLLM_API_KEY",
      familyChain: ["mistral"],
      limits: { concurrency: 4 },
      prices: undefined,
    });
    expect(catalog.models.get("mixtral-local")).toMatchObject({
      identifierPrefix: "custom_openai",
      servedName: "mistralai-mixtral",
      familyChain: ["mixtral", "mistral"],
      limits: { concurrency: 2 },
    });
    expect(catalog.models.get("judge-model")).toMatchObject({
      provider: "bedrock",
      region: "us-east-1",
    });
    expect(catalog.roleOf("judge-model")).toBe("judge");
    expect(catalog.roleOf("mistral-local")).toBe("model");
    expect(catalog.features.get("explain")).toMatchObject({
      promptId: "chat/explain_code",
      promptVersion: "^1.0.0",
      releaseState: "ga",
      dataset: temp.path("data/explain.jsonl"),
      threshold: 0.8,
      yellowBand: 0.1,
    });
  });

  it("rejects an unknown prefix, listing the allowed ones, at the identifier line", async () => {
    const problems = await catalogProblems(
      change(
        "models.yaml",
        "identifier: custom_openai/mistralai",
        "identifier: vertex_ai/mistralai",
      ),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]!.position).toMatchObject({ file: temp!.path("models.yaml"), line: 4 });
    expect(problems[0]!.message).toContain('unknown prefix "vertex_ai/"');
    expect(problems[0]!.message).toContain(
      "custom_openai/, fireworks_ai/, openai/, azure/, bedrock/",
    );
  });

  it("requires api_version and endpoint for Azure", async () => {
    const problems = await catalogProblems(
      change(
        "models.yaml",
        "identifier: mistralai-mixtral\n    endpoint: http://localhost:8001/v1",
        "identifier: azure/gpt-4o",
      ),
    );
    expect(problems.map((p) => p.position?.line)).toEqual([9, 9]);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining("azure/ models need an endpoint"),
      expect.stringContaining("azure/ models need an API version; add api_version: 2024-10-21"),
    ]);
  });

  it("requires a region for Bedrock and refuses one elsewhere", async () => {
    const problems = await catalogProblems({
      ...change("models.yaml", "    region: us-east-1\n", ""),
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.position?.line).toBe(14);
    expect(problems[0]!.message).toContain(
      'model "judge-model": bedrock/ models need an AWS region',
    );
    const misplaced = await catalogProblems(
      change(
        "models.yaml",
        "api_key_env: VLLM_API_KEY",
        "api_key_env: VLLM_API_KEY\n    region: us-east-1",
      ),
    );
    expect(misplaced[0]!.message).toContain("region is only used by bedrock/ models");
  });

  it("names the model, the line and the known families for an unknown family", async () => {
    const problems = await catalogProblems(
      change("models.yaml", "family: mixtral", "family: mixtrall"),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]!.position).toMatchObject({
      file: temp!.path("models.yaml"),
      line: 8,
      column: 13,
    });
    expect(problems[0]!.message).toContain('model "mixtral-local" has unknown family "mixtrall"');
    expect(problems[0]!.message).toContain("known families: claude_3, codegemma");
  });
});

describe("compatibility", () => {
  const gptModel = `  - name: gpt-local
    family: gpt
    identifier: openai/gpt-4o
`;

  it("is an error at the suite's model line when the family is not compatible", async () => {
    const problems = await buildProblems({
      "models.yaml": VALID_FILES["models.yaml"]! + gptModel,
      ...change(
        "evalgate.yaml",
        "models: [mistral-local, mixtral-local]",
        "models: [mistral-local, gpt-local]",
      ),
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.position).toMatchObject({ line: 10, column: 29 });
    expect(problems[0]!.message).toContain(
      'suite "main": model "gpt-local" (family gpt) is not compatible with feature "explain"',
    );
    expect(problems[0]!.message).toContain("allow_incompatible: true");
  });

  it("is allowed when the suite sets allow_incompatible: true", async () => {
    const problems = await buildProblems({
      "models.yaml": VALID_FILES["models.yaml"]! + gptModel,
      ...change(
        "evalgate.yaml",
        "models: [mistral-local, mixtral-local]",
        "models: [mistral-local, gpt-local]\n    allow_incompatible: true",
      ),
    });
    expect(problems).toEqual([]);
    const catalog = checkCatalog(await loadConfig(temp!.entry)).catalog;
    expect(catalog.checkCompatibility("explain", "gpt-local")?.message).toContain("not compatible");
    expect(
      catalog.checkCompatibility("explain", "gpt-local", { allowIncompatible: true }),
    ).toBeNull();
    expect(catalog.checkCompatibility("explain", "gpt-local", { evaluateAnyway: true })).toBeNull();
    expect(catalog.checkCompatibility("explain", "mixtral-local")).toBeNull();
  });

  it("rejects unknown families in compatible_families", async () => {
    const problems = await catalogProblems(
      change(
        "features.yaml",
        "compatible_families: [mistral, mixtral]",
        "compatible_families: [mistral, mixtrl]",
      ),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]!.position).toMatchObject({ line: 6, column: 36 });
  });
});

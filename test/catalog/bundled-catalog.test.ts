import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCatalog, checkSuitePairings } from "../../src/catalog/index.js";
import { checkConfig, resolveSuite } from "../../src/config/index.js";

const ENTRY = join(import.meta.dirname, "..", "..", "config", "evalgate.yaml");

async function bundled() {
  // checkConfig, not loadConfig: this test is about the catalog, and must not depend on the
  // bundled datasets and evaluators, which other tests cover.
  const { config, problems } = await checkConfig(ENTRY);
  if (!config) throw new Error(problems.map((p) => p.message).join("\n"));
  const schemaProblems = problems.filter((p) => !/does not exist|not found/.test(p.message));
  expect(schemaProblems.map((p) => p.message)).toEqual([]);
  return { config, ...checkCatalog(config) };
}

describe("bundled catalog", () => {
  it("has no catalog problems and no incompatible suite pairs", async () => {
    const { config, catalog, problems } = await bundled();
    expect(problems.map((p) => p.message)).toEqual([]);
    expect(checkSuitePairings(catalog, config).map((p) => p.message)).toEqual([]);
  });

  it("covers the models the self-hosted product documents", async () => {
    const { catalog } = await bundled();
    const expectModel = (name: string, provider: string, identifier: string, family: string) =>
      expect(catalog.models.get(name), name).toMatchObject({ provider, identifier, family });
    expectModel(
      "claude-3-5-sonnet",
      "bedrock",
      "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
      "claude_3",
    );
    expectModel(
      "claude-3-5-haiku",
      "bedrock",
      "bedrock/anthropic.claude-3-5-haiku-20241022-v1:0",
      "claude_3",
    );
    for (const name of ["claude-3-5-sonnet-v2", "claude-3-7-sonnet", "claude-4-sonnet"]) {
      expect(catalog.models.get(name)?.provider, name).toBe("bedrock");
    }
    expectModel(
      "llama-3.1-8b-bedrock",
      "bedrock",
      "bedrock/meta.llama3-1-8b-instruct-v1:0",
      "llama3",
    );
    expectModel(
      "llama-3.1-8b-fireworks",
      "openai_compatible",
      "fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct",
      "llama3",
    );
    expect(catalog.models.get("llama-3.1-8b-fireworks")?.endpoint).toBe(
      "https://api.fireworks.ai/inference/v1",
    );
    expectModel(
      "mistral-7b-vllm",
      "openai_compatible",
      "custom_openai/mistralai/Mistral-7B-Instruct-v0.3",
      "mistral",
    );
    expectModel(
      "mixtral-8x7b-vllm",
      "openai_compatible",
      "custom_openai/mistralai/Mixtral-8x7B-Instruct-v0.1",
      "mixtral",
    );
    expectModel(
      "codestral-22b-vllm",
      "openai_compatible",
      "custom_openai/mistralai/Codestral-22B-v0.1",
      "codestral",
    );
    for (const name of [
      "mistral-small-fireworks",
      "mixtral-8x22b-fireworks",
      "codestral-22b-fireworks",
      "llama-3.3-70b-vllm",
      "llama-3.3-70b-bedrock",
      "llama-3.1-70b-bedrock",
    ]) {
      expect(catalog.models.has(name), name).toBe(true);
    }
    expect(catalog.models.get("gpt-4o")).toMatchObject({
      provider: "azure_openai",
      apiVersion: "2024-10-21",
      servedName: "gpt-4o",
    });
    expect(catalog.models.get("gpt-4o-mini")?.provider).toBe("azure_openai");
    expect(catalog.roleOf("claude-3-5-sonnet-judge")).toBe("judge");
    expect(catalog.roleOf("gpt-4o-judge")).toBe("judge");
    for (const model of catalog.models.values()) {
      if (model.provider !== "openai_compatible" || model.identifierPrefix !== "custom_openai") {
        expect(model.prices, model.name).toBeDefined();
      }
    }
  });

  it("lists every feature of the product, six of them evaluable", async () => {
    const { catalog } = await bundled();
    expect([...catalog.features.keys()].sort()).toEqual(
      [
        "code_completions",
        "code_generations",
        "duo_chat",
        "duo_chat_documentation",
        "duo_chat_explain_code",
        "duo_chat_explain_vulnerability",
        "duo_chat_fix_code",
        "duo_chat_refactor_code",
        "duo_chat_summarize_comments",
        "duo_chat_troubleshoot_job",
        "duo_chat_write_tests",
        "generate_commit_message",
        "resolve_vulnerability",
        "review_merge_request",
        "summarize_new_merge_request",
      ].sort(),
    );
    const evaluable = [...catalog.features.values()].filter((f) => f.dataset && f.evaluator);
    expect(Object.fromEntries(evaluable.map((f) => [f.id, [f.promptId, f.evaluator]]))).toEqual({
      code_generations: ["code_suggestions/generations", "code_correctness"],
      duo_chat_explain_code: ["chat/explain_code", "explanation_quality"],
      duo_chat_write_tests: ["chat/write_tests", "code_correctness"],
      duo_chat_explain_vulnerability: ["chat/explain_vulnerability", "explanation_quality"],
      duo_chat_documentation: ["chat/documentation_search", "answer_correctness"],
      generate_commit_message: ["generate_commit_message", "commit_message_quality"],
    });
  });

  it("has a demo suite spanning families and a gated example", async () => {
    const { config, catalog } = await bundled();
    const demo = resolveSuite(config);
    expect(demo.name).toBe("demo");
    expect(demo.gate).toBe(false);
    expect(demo.judge).toBe("claude-3-5-sonnet-judge");
    expect(demo.features).toHaveLength(6);
    expect(demo.models.length).toBeGreaterThanOrEqual(6);
    const families = new Set(demo.models.map((m) => catalog.models.get(m)?.family));
    expect(families).toEqual(
      new Set(["mistral", "mixtral", "codestral", "llama3", "claude_3", "gpt"]),
    );
    expect(resolveSuite(config, "gated").gate).toBe(true);
  });
});

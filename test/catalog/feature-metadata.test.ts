import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildCatalog, checkCatalog } from "../../src/catalog/index.js";
import { main } from "../../src/cli/evalgate.js";
import { checkConfig, loadConfig } from "../../src/config/index.js";
import { change, type TempConfig, VALID_FILES, writeTempConfig } from "../config/temp-config.js";
import { collectingIO } from "../support/cli-io.js";

/** evalgate's own sample in GitLab's feature_metadata.yml format. */
const METADATA = readFileSync(
  join(import.meta.dirname, "..", "fixtures", "gitlab-feature-metadata", "feature_metadata.yml"),
  "utf8",
);

const FEATURES = `gitlab_feature_metadata: gitlab/feature_metadata.yml
features:
  - id: explain
    prompt_id: chat/explain_code
    dataset: data/explain.jsonl
    evaluator: quality
    threshold: 0.7
  - id: summarize
    prompt_id: chat/other
`;

/** The valid tree, its features taken from GitLab's metadata; the suite keeps compatible models. */
function withMetadata(changes: Record<string, string> = {}): Record<string, string> {
  return {
    "gitlab/feature_metadata.yml": METADATA,
    "features.yaml": FEATURES,
    ...change("evalgate.yaml", "models: [mistral-local, mixtral-local]", "models: [mistral-local]"),
    ...changes,
  };
}

let temp: TempConfig | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

async function problemsWith(changes: Record<string, string>): Promise<string[]> {
  temp = await writeTempConfig(withMetadata(changes));
  const check = await checkConfig(temp.entry);
  const problems = [...check.problems];
  if (check.partial) problems.push(...checkCatalog(check.partial).problems);
  return problems.map((p) => p.message);
}

describe("features from GitLab's feature_metadata.yml", () => {
  it("takes title, release state and compatible families from GitLab, the rest from features.yaml", async () => {
    temp = await writeTempConfig(withMetadata());
    const config = await loadConfig(temp.entry);
    expect(config.featureMetadata?.file).toBe(temp.path("gitlab/feature_metadata.yml"));
    const catalog = buildCatalog(config);
    const explain = catalog.features.get("explain")!;
    expect({ ...explain, position: undefined, compatibilitySource: undefined }).toEqual({
      id: "explain",
      title: "Explain Code",
      releaseState: "beta",
      promptId: "chat/explain_code",
      promptVersion: "^1.0.0",
      compatibleFamilies: ["mistral", "claude_3"],
      dataset: temp.path("data/explain.jsonl"),
      evaluator: "quality",
      metric: "pass_rate",
      threshold: 0.7,
      yellowBand: 0.1,
      regressionTolerance: 0.05,
      position: undefined,
      compatibilitySource: undefined,
    });
    expect(explain.compatibilitySource).toEqual({
      key: "compatible_llms",
      position: { file: temp.path("gitlab/feature_metadata.yml"), line: 8, column: 5 },
    });
    // An empty compatible_llms: GitLab skips the check, so every family may serve the feature.
    const summarize = catalog.features.get("summarize")!;
    expect(summarize.releaseState).toBe("experiment");
    expect(summarize.compatibleFamilies).toEqual(catalog.knownFamilies());
    expect(catalog.checkCompatibility("summarize", "mixtral-local")).toBeNull();
    // Features of the metadata that features.yaml does not list are not evaluated.
    expect([...catalog.features.keys()]).toEqual(["explain", "summarize"]);
  });

  it("refuses a suite pairing a family GitLab does not list, pointing at compatible_llms", async () => {
    temp = await writeTempConfig({
      ...withMetadata(),
      "evalgate.yaml": VALID_FILES["evalgate.yaml"]!,
    });
    const config = await loadConfig(temp.entry);
    expect(() => buildCatalog(config)).toThrow(
      `${temp.path("evalgate.yaml")}:10:29: suite "main": model "mixtral-local" (family mixtral) is not compatible with feature "explain" (compatible_llms: mistral, claude_3 at ${temp.path("gitlab/feature_metadata.yml")}:8:5); remove the model from the suite, or set allow_incompatible: true on the suite to evaluate the pair anyway`,
    );
  });

  it("reports a family GitLab lists but evalgate does not know, with the fix", async () => {
    const problems = await problemsWith({
      "gitlab/feature_metadata.yml": METADATA.replace("    - claude_3", "    - granite"),
    });
    expect(problems).toEqual([
      `${temp!.path("gitlab/feature_metadata.yml")}:9:7: feature "explain" lists compatible_llms "granite", which is not a family evalgate knows (known: claude_3, codegemma, codellama, codestral, deepseekcoder, gemini, general, gpt, llama3, mistral, mixtral, qwen); add it under families: in ${temp!.path("models.yaml")}, e.g. granite: [granite]`,
    ]);
  });

  it("accepts that family once models.yaml defines it", async () => {
    const problems = await problemsWith({
      "gitlab/feature_metadata.yml": METADATA.replace("    - claude_3", "    - granite"),
      "models.yaml": `families:\n  granite: [granite]\n${VALID_FILES["models.yaml"]}`,
    });
    expect(problems).toEqual([]);
  });

  it("refuses overriding GitLab's keys in features.yaml", async () => {
    const problems = await problemsWith({
      "features.yaml": FEATURES.replace(
        "    threshold: 0.7\n",
        "    threshold: 0.7\n    compatible_families: [mixtral]\n    title: Mine\n",
      ),
    });
    const metadataFile = temp!.path("gitlab/feature_metadata.yml");
    expect(problems).toEqual([
      `${temp!.path("features.yaml")}:9:12: feature "explain": title comes from GitLab's title in ${metadataFile} (this feature is there); remove it here`,
      `${temp!.path("features.yaml")}:8:26: feature "explain": compatible_families comes from GitLab's compatible_llms in ${metadataFile} (this feature is there); remove it here (to evaluate another family anyway, set allow_incompatible: true on the suite)`,
    ]);
  });

  it("names the metadata's features when an id is not among them", async () => {
    const problems = await problemsWith({
      "features.yaml": FEATURES.replace("id: summarize", "id: sumarize"),
    });
    expect(problems).toEqual([
      `${temp!.path("features.yaml")}:8:5: feature "sumarize" has no title, release_state, compatible_families; "sumarize" is not a feature of ${temp!.path("gitlab/feature_metadata.yml")} (did you mean "summarize"?), so fix the id or add the keys`,
    ]);
  });

  it("refuses a release state GitLab does not use", async () => {
    const problems = await problemsWith({
      "gitlab/feature_metadata.yml": METADATA.replace(
        "release_state: BETA",
        "release_state: ALPHA",
      ),
    });
    expect(problems).toEqual([
      `${temp!.path("gitlab/feature_metadata.yml")}:6:18: feature "explain" has release_state "ALPHA", which GitLab does not use; expected one of GA, BETA, EXPERIMENT, EXPERIMENTAL`,
    ]);
  });

  it("without gitlab_feature_metadata, a feature still needs its own keys", async () => {
    temp = await writeTempConfig(change("features.yaml", "    title: Has no dataset yet\n", ""));
    const check = await checkConfig(temp.entry);
    expect(checkCatalog(check.partial!).problems.map((p) => p.message)).toEqual([
      `${temp.path("features.yaml")}:9:5: feature "undocumented" has no title; add them, or name GitLab's feature_metadata.yml with gitlab_feature_metadata: to take them from it`,
    ]);
  });

  it("validate: a missing metadata file is reported at its line, exit 2", async () => {
    temp = await writeTempConfig({
      ...withMetadata(),
      "features.yaml": FEATURES.replace("gitlab/feature_metadata.yml", "gitlab/metadata.yml"),
    });
    const run = collectingIO(temp.dir);
    expect(await main(["validate", "--config", "evalgate.yaml"], run.io)).toBe(2);
    expect(run.err()).toContain(
      `${temp.path("features.yaml")}:1:26: GitLab feature metadata file ${temp.path("gitlab/metadata.yml")} does not exist; fix the path (it is relative to the file that names it)`,
    );
    expect(run.out()).toContain("note: features could not be read");
  });

  it("validate: a config on GitLab's metadata passes", async () => {
    temp = await writeTempConfig(withMetadata());
    const run = collectingIO(temp.dir, { VLLM_API_KEY: "x" });
    expect(await main(["validate", "--config", "evalgate.yaml"], run.io)).toBe(0);
    expect(run.out()).toMatch(
      /^explain\s+mistral-local\s+chat\/explain_code\/base\/1\.0\.0\.yml\s+1\.0\.0\s+2\s+OK$/m,
    );
  });
});

describe("the README example", () => {
  it("loads against a metadata file that has its feature", async () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
    const example = /```yaml\n# features\.yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toContain("gitlab_feature_metadata: gitlab/feature_metadata.yml");
    const features = example!
      .replace("../datasets/explain_code.jsonl", "data/explain.jsonl")
      .replace("evaluator: explain_code", "evaluator: quality");
    temp = await writeTempConfig({
      "gitlab/feature_metadata.yml": METADATA.replace("explain:", "duo_chat_explain_code:"),
      "features.yaml": features,
      ...change(
        "evalgate.yaml",
        "    features: [explain]\n    models: [mistral-local, mixtral-local]",
        "    features: [duo_chat_explain_code]\n    models: [mistral-local]",
      ),
    });
    const catalog = buildCatalog(await loadConfig(temp.entry));
    const feature = catalog.features.get("duo_chat_explain_code")!;
    expect([feature.title, feature.releaseState, feature.compatibleFamilies]).toEqual([
      "Explain Code",
      "beta",
      ["mistral", "claude_3"],
    ]);
  });
});

/**
 * `evalgate run --simulate --suite gateway` end to end: the bundled gateway suite sends each
 * example's template variables through the simulated AI gateway, which picks and renders the
 * prompt definition for the model's family itself and answers as the model the identifier
 * names. Every planned cell must end scored, recorded with the definition the gateway would
 * pick, and the models must rank as the bundled simulator profile says.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCatalog } from "../../src/catalog/index.js";
import { main } from "../../src/cli/evalgate.js";
import { loadConfig } from "../../src/config/index.js";
import type { CellRecord } from "../../src/core/types.js";
import { loadExamples } from "../../src/datasets/index.js";
import { loadPromptRegistry } from "../../src/prompts/index.js";
import { loadSimulatorProfile } from "../../src/simulator/index.js";
import { countPromptTokens } from "../../src/simulator/text-tokens.js";
import { collectingIO } from "../support/cli-io.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CONFIG = join(ROOT, "config", "evalgate.yaml");
const LIMIT = 5;

let outDir: string;
let code: number;
let err: string;
let records: CellRecord[];

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), "evalgate-gateway-"));
  const run = collectingIO(ROOT, {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_EC2_METADATA_DISABLED: "true",
  });
  code = await main(
    ["run", "--simulate", "--suite", "gateway", "--limit", String(LIMIT)].concat([
      "--out",
      outDir,
      "--quiet",
      "--no-cache",
    ]),
    run.io,
  );
  err = run.err();
  const text = await readFile(join(outDir, "journal.jsonl"), "utf8");
  records = text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as CellRecord);
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

async function bundled() {
  const config = await loadConfig(CONFIG);
  const catalog = buildCatalog(config);
  const suite = config.entry.value.suites["gateway"]!;
  const registry = await loadPromptRegistry(config.definitionsDir);
  return { config, catalog, suite, registry };
}

function passRate(model: string): number {
  const mine = records.filter((r) => r.model === model);
  return mine.filter((r) => r.passed).length / mine.length;
}

describe("evalgate run --simulate --suite gateway", () => {
  it("exits 0 with exactly one scored record per planned cell", async () => {
    expect(err).toBe("");
    expect(code).toBe(0);
    const { catalog, suite } = await bundled();
    expect(suite.via_gateway).toBe(true);
    const planned: string[] = [];
    for (const feature of suite.features) {
      const dataset = catalog.features.get(feature)!.dataset!;
      for (const example of await loadExamples(dataset, { limit: LIMIT })) {
        for (const model of suite.models) planned.push(`${feature}/${model}/${example.id}/0`);
      }
    }
    expect(planned).toHaveLength(2 * 2 * LIMIT);
    expect(records.map((r) => r.cellId).sort()).toEqual(planned.sort());
    for (const r of records) expect(r.status, r.cellId).toBe("scored");
  });

  it("records the definition the gateway picks for each model's family, and the gateway rendered it", async () => {
    const { catalog, suite, registry } = await bundled();
    let baseWouldDiffer = false;
    for (const feature of suite.features) {
      const settings = catalog.features.get(feature)!;
      const examples = await loadExamples(settings.dataset!, { limit: LIMIT });
      for (const name of suite.models) {
        const model = catalog.models.get(name)!;
        const chain = catalog.familyChain(model.family);
        const picked = registry.resolve(settings.promptId, chain, settings.promptVersion);
        const base = registry.resolve(settings.promptId, [], settings.promptVersion);
        for (const example of examples) {
          const record = records.find((r) => r.cellId === `${feature}/${name}/${example.id}/0`)!;
          expect(record.promptFile, record.cellId).toBe(picked.file);
          // The simulated gateway reports the prompt tokens of what it rendered itself.
          const tokens = (file: typeof picked) =>
            countPromptTokens(registry.render(file, example.inputs).messages);
          expect(record.usage?.inputTokens, record.cellId).toBe(tokens(picked));
          if (picked.file !== base.file && tokens(base) !== tokens(picked)) baseWouldDiffer = true;
        }
      }
    }
    // mixtral's mistral fallback: a gateway that ignored the family would have rendered base.
    expect(baseWouldDiffer).toBe(true);
    expect(
      records.find((r) => r.model === "mixtral-8x7b-vllm" && r.feature === "code_generations")
        ?.promptFile,
    ).toMatch(/^code_suggestions\/generations\/mistral\//);
  });

  it("ranks the models as the simulator profile says", async () => {
    const { suite } = await bundled();
    const profile = await loadSimulatorProfile(join(ROOT, "config", "simulator-profile.yaml"));
    const quality = (model: string) => {
      const q = profile.models?.[model]?.quality;
      const at = (feature: string) =>
        typeof q === "number" ? q : (q?.[feature] ?? q?.["default"] ?? 0.6);
      return suite.features.reduce((sum, f) => sum + at(f), 0) / suite.features.length;
    };
    const [strong, weak] = [...suite.models].sort((a, b) => quality(b) - quality(a));
    expect(quality(strong!)).toBeGreaterThan(quality(weak!) + 0.1);
    expect(passRate(strong!)).toBeGreaterThan(passRate(weak!));
  });
});

import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { familyChainFromArgument } from "../../src/cli/commands/prompts.js";
import { main } from "../../src/cli/evalgate.js";
import { VALID_FILES } from "../config/temp-config.js";
import { collectingIO } from "../support/cli-io.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "definitions");
const GATEWAY = join(FIXTURES, "gateway");
const PROBLEMS = join(FIXTURES, "problems");

async function run(argv: string[], cwd = FIXTURES) {
  const io = collectingIO(cwd);
  const code = await main(argv, io.io);
  return { code, out: io.out(), err: io.err() };
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "evalgate-prompts-cli-"));
  await writeFile(
    join(work, "explain.json"),
    JSON.stringify({ content: "x = 1", language: "python", files: [] }),
  );
  await writeFile(join(work, "instruction.json"), JSON.stringify({ instruction: "Sort a list" }));
  await writeFile(join(work, "broken.json"), '{\n  "content": "x",\n  oops\n}\n');
  await writeFile(join(work, "array.json"), "[1, 2]");
});

function expectUserFailure(result: { code: number; out: string; err: string }, text: string) {
  expect(result.code).toBe(2);
  expect(result.out).toBe("");
  expect(result.err).toContain(text);
  expect(result.err).not.toMatch(/\n\s+at /);
}

describe("evalgate prompts render", () => {
  it("expands a family name to its chain and prints exactly one JSON object", async () => {
    const result = await run([
      "prompts",
      "render",
      "--definitions",
      "gateway",
      "--prompt",
      "chat/explain_code",
      "--family",
      "mixtral",
      "--inputs",
      join(work, "explain.json"),
    ]);
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toBe(
      `${JSON.stringify(
        {
          prompt_id: "chat/explain_code",
          family: "mistral",
          version: "1.0.0",
          file: "chat/explain_code/mistral/1.0.0.yml",
          messages: [
            { role: "system", content: "" },
            { role: "user", content: "[INST] Explain this python code:\nx = 1 [/INST]" },
            { role: "assistant", content: "Here is an explanation of the python code:" },
          ],
          params: { temperature: 0, max_tokens: 1024, stop: ["[/INST]"] },
        },
        null,
        2,
      )}\n`,
    );
  });

  it("falls back to base and picks the highest ^1.0.0 release", async () => {
    const result = await run([
      "prompts",
      "render",
      "--definitions",
      GATEWAY,
      "--prompt",
      "chat/explain_code",
      "--family",
      "llama3",
      "--inputs",
      join(work, "explain.json"),
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({
      prompt_id: "chat/explain_code",
      family: "base",
      version: "1.0.1",
      file: "chat/explain_code/base/1.0.1.yml",
      messages: [
        { role: "system", content: "You are a senior engineer who explains code clearly." },
        { role: "user", content: "\nx = 1" },
      ],
      params: { temperature: 0.2, max_tokens: 4096, top_p: 0.9, timeout: 30, stop: ["</answer>"] },
    });
  });

  it("takes a comma-separated chain and a version constraint", async () => {
    const older = await run([
      "prompts",
      "render",
      "--definitions",
      GATEWAY,
      "--prompt",
      "code_suggestions/generations",
      "--family",
      "mixtral,mistral",
      "--inputs",
      join(work, "instruction.json"),
    ]);
    expect(older.code).toBe(0);
    expect(JSON.parse(older.out)).toMatchObject({
      family: "mixtral",
      version: "1.0.0",
      file: "code_suggestions/generations/mixtral.yml",
      messages: [{ role: "user", content: "<s>[INST] Sort a list [/INST]" }],
      params: { temperature: 0.3 },
    });
    const versioned = await run([
      "prompts",
      "render",
      "--definitions",
      GATEWAY,
      "--prompt",
      "code_suggestions/generations",
      "--family",
      "codestral",
      "--version",
      "^2.0.0",
      "--inputs",
      join(work, "instruction.json"),
    ]);
    expect(versioned.code).toBe(0);
    expect(JSON.parse(versioned.out)).toMatchObject({
      family: "codestral",
      version: "2.0.0",
      messages: [{ role: "user", content: "codestral 2.0.0: Sort a list" }],
    });
  });

  const base = ["prompts", "render", "--definitions", GATEWAY, "--family", "mistral"];
  it.each([
    [["--prompt", "nope", "--inputs", "X/explain.json"], 'unknown prompt id "nope"'],
    [
      ["--prompt", "chat/explain_code", "--version", "^9.0.0", "--inputs", "X/explain.json"],
      "available versions: 1.0.0",
    ],
    [
      ["--prompt", "chat/explain_code", "--inputs", "X/broken.json"],
      "broken.json:3:3: inputs file is not valid JSON",
    ],
    [["--prompt", "chat/explain_code", "--inputs", "X/array.json"], "must hold one JSON object"],
    [["--prompt", "chat/explain_code", "--inputs", "X/missing.json"], "inputs file not found"],
    [["--inputs", "X/explain.json"], "prompts render needs --prompt ID"],
    [["--prompt", "chat/explain_code", "--inputs", "X/explain.json", "--bogus"], "Unknown option"],
  ])("exits 2 with a message: %j", async (args, text) => {
    const result = await run([...base, ...args.map((a) => a.replace("X/", `${work}/`))]);
    expectUserFailure(result, text);
  });

  it("a missing variable exits 2 naming it", async () => {
    const result = await run([
      "prompts",
      "render",
      "--definitions",
      PROBLEMS,
      "--prompt",
      "missing_var",
      "--family",
      "mistral",
      "--inputs",
      join(work, "instruction.json"),
    ]);
    expectUserFailure(result, 'inputs lack "language"');
    expect(result.err).toContain("missing_var/base/1.0.0.yml:5)");
  });

  it("a missing family folder exits 2 listing what was tried", async () => {
    const result = await run([
      "prompts",
      "render",
      "--definitions",
      GATEWAY,
      "--prompt",
      "generate_description",
      "--family",
      "codellama",
      "--inputs",
      join(work, "explain.json"),
    ]);
    expectUserFailure(result, "families codellama, base; tried:");
    expect(result.err).toContain("families that exist: mistral");
  });
});

describe("evalgate prompts list", () => {
  it("prints a table of prompt ids, families and versions", async () => {
    const result = await run(["prompts", "list", "--definitions", "gateway"]);
    expect(result.code).toBe(0);
    expect(result.out).toBe(
      [
        "PROMPT                        FAMILY     VERSIONS",
        "chat/explain_code             base       1.0.0, 1.0.1, 1.1.0-rc1, 2.0.0-dev",
        "chat/explain_code             mistral    1.0.0",
        "code_suggestions/generations  base       1.0.0",
        "code_suggestions/generations  codestral  1.0.0, 1.2.0, 2.0.0",
        "code_suggestions/generations  mixtral    1.0.0 (older layout)",
        "generate_description          mistral    1.0.0 (older layout)",
        "",
      ].join("\n"),
    );
  });

  it("--json prints machine-readable output", async () => {
    const result = await run(["prompts", "list", "--definitions", GATEWAY, "--json"]);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.out) as { prompt_id: string; families: unknown[] }[];
    expect(parsed.map((p) => p.prompt_id)).toEqual([
      "chat/explain_code",
      "code_suggestions/generations",
      "generate_description",
    ]);
    expect(parsed[2]).toEqual({
      prompt_id: "generate_description",
      families: [
        { family: "mistral", versions: ["1.0.0"], files: ["generate_description/mistral.yml"] },
      ],
    });
  });

  it("without --definitions, uses the definitions folder of the config found walking up", async () => {
    const project = join(work, "discovered");
    await mkdir(join(project, "evalgate", "prompts", "chat", "explain_code", "base"), {
      recursive: true,
    });
    await writeFile(join(project, "evalgate", "evalgate.yaml"), VALID_FILES["evalgate.yaml"]!);
    await writeFile(
      join(project, "evalgate", "prompts", "chat", "explain_code", "base", "1.0.0.yml"),
      "name: Explain\nunit_primitive: explain_code\nprompt_template:\n  user: '{{ code }}'\n",
    );
    await mkdir(join(project, "src", "deep"), { recursive: true });
    const result = await run(["prompts", "list"], join(project, "src", "deep"));
    expect(result.err).toBe("");
    expect(result.out).toMatch(/chat\/explain_code\s+base\s+1\.0\.0/);
    await writeFile(join(project, "inputs.json"), JSON.stringify({ code: "x = 1" }));
    const rendered = await run(
      ["prompts", "render", "--prompt", "chat/explain_code", "--family", "mistral"].concat([
        "--inputs",
        join(project, "inputs.json"),
      ]),
      join(project, "src"),
    );
    expect(rendered.err).toBe("");
    expect(JSON.parse(rendered.out).messages).toEqual([{ role: "user", content: "x = 1" }]);
  });

  it("with no --definitions and no config anywhere above, says where it looked", async () => {
    const result = await run(["prompts", "list"], work);
    expectUserFailure(result, `no evalgate configuration found`);
    expect(result.err).toContain(join(work, "evalgate", "evalgate.yaml"));
  });

  it("a missing or unknown sub-command exits 2 with usage", async () => {
    expectUserFailure(await run(["prompts"]), "missing sub-command");
    expectUserFailure(await run(["prompts", "show"]), 'unknown sub-command "show"');
  });
});

describe("familyChainFromArgument", () => {
  it.each([
    ["mixtral", ["mixtral", "mistral"]],
    ["codestral", ["codestral", "mistral"]],
    ["mistral", ["mistral"]],
    ["my_family", ["my_family"]],
    ["a, b ,c", ["a", "b", "c"]],
  ])("%s -> %j", (argument, chain) => {
    expect(familyChainFromArgument(argument)).toEqual(chain);
  });
});

describe("prompts render --config --feature --example", () => {
  it("renders one dataset example through the model's family, with the model's params, and no inputs file", async () => {
    const root = join(import.meta.dirname, "..", "..");
    const io = collectingIO(root);
    const code = await main(
      [
        "prompts",
        "render",
        "--config",
        "config/evalgate.yaml",
        "--feature",
        "duo_chat_explain_code",
        "--example",
        "duo_chat_explain_code-001",
        "--model",
        "mistral-7b-vllm",
      ],
      io.io,
    );
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    const out = JSON.parse(io.out());
    expect(out).toMatchObject({
      model: "mistral-7b-vllm",
      example_id: "duo_chat_explain_code-001",
      prompt_id: "chat/explain_code",
      family: "mistral",
      file: "chat/explain_code/mistral/1.0.0.yml",
      params: { temperature: 0.1, max_tokens: 1536, timeout: 60 },
    });
    expect(out.messages).toHaveLength(1);
    expect(out.messages[0].content).toContain(
      "The user selected this code in `app/utils/cache.py`:",
    );

    const missing = collectingIO(root);
    const bad = await main(
      [
        "prompts",
        "render",
        "--config",
        "config/evalgate.yaml",
        "--feature",
        "duo_chat_explain_code",
        "--example",
        "nope",
      ],
      missing.io,
    );
    expect(bad).toBe(2);
    expect(missing.err()).toMatch(
      /^evalgate prompts: no example with id "nope" in .+duo_chat_explain_code\.jsonl/,
    );
  });
});

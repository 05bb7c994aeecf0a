import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/core/errors.js";
import { classifyDefinitionFile, loadPromptRegistry } from "../../src/prompts/index.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "definitions");
const GATEWAY = join(FIXTURES, "gateway");
const PROBLEMS = join(FIXTURES, "problems");

function userErrorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error("expected a UserError, nothing was thrown");
}

describe("classifyDefinitionFile", () => {
  it.each([
    ["chat/explain_code/base/1.0.0.yml", "chat/explain_code", "base", "1.0.0"],
    ["chat/explain_code/base/1.1.0-rc1.yaml", "chat/explain_code", "base", "1.1.0-rc1"],
    [
      "code_suggestions/generations/mixtral.yml",
      "code_suggestions/generations",
      "mixtral",
      "1.0.0",
    ],
    ["generate_description/mistral.yml", "generate_description", "mistral", "1.0.0"],
    ["a/b/c/d/2.3.4.yml", "a/b/c", "d", "2.3.4"],
  ])("%s -> prompt %s, family %s, version %s", (path, promptId, family, version) => {
    expect(classifyDefinitionFile(path)).toMatchObject({ promptId, family, version });
  });

  it.each(["base.yml", "1.0.0.yml", "base/1.0.0.yml"])("%s has no prompt id", (path) => {
    expect(classifyDefinitionFile(path)).toBeUndefined();
  });
});

describe("loadPromptRegistry: layout", () => {
  it("lists both layouts, ids with slashes, and no partials-only folders", async () => {
    const registry = await loadPromptRegistry(GATEWAY);
    expect(registry.root).toBe(GATEWAY);
    expect(registry.list()).toEqual([
      {
        promptId: "chat/explain_code",
        families: [
          {
            family: "base",
            versions: ["1.0.0", "1.0.1", "1.1.0-rc1", "2.0.0-dev"],
            files: [
              "chat/explain_code/base/1.0.0.yml",
              "chat/explain_code/base/1.0.1.yml",
              "chat/explain_code/base/1.1.0-rc1.yml",
              "chat/explain_code/base/2.0.0-dev.yml",
            ],
          },
          {
            family: "mistral",
            versions: ["1.0.0"],
            files: ["chat/explain_code/mistral/1.0.0.yml"],
          },
        ],
      },
      {
        promptId: "code_suggestions/generations",
        families: [
          {
            family: "base",
            versions: ["1.0.0"],
            files: ["code_suggestions/generations/base/1.0.0.yml"],
          },
          {
            family: "codestral",
            versions: ["1.0.0", "1.2.0", "2.0.0"],
            files: [
              "code_suggestions/generations/codestral/1.0.0.yml",
              "code_suggestions/generations/codestral/1.2.0.yml",
              "code_suggestions/generations/codestral/2.0.0.yml",
            ],
          },
          {
            family: "mixtral",
            versions: ["1.0.0"],
            files: ["code_suggestions/generations/mixtral.yml"],
          },
        ],
      },
      {
        promptId: "generate_description",
        families: [
          { family: "mistral", versions: ["1.0.0"], files: ["generate_description/mistral.yml"] },
        ],
      },
    ]);
  });

  it("has() knows prompt ids, not their parents or partial folders", async () => {
    const registry = await loadPromptRegistry(GATEWAY);
    expect(registry.has("chat/explain_code")).toBe(true);
    expect(registry.has("/chat/explain_code/")).toBe(true);
    expect(registry.has("chat")).toBe(false);
    expect(registry.has("shared/partials")).toBe(false);
    expect(registry.has("chat/explain_code/partials")).toBe(false);
    expect(registry.has("chat/explain_code/base")).toBe(false);
  });

  it("a missing folder is a UserError naming it", async () => {
    const missing = join(FIXTURES, "does-not-exist");
    const err = await loadPromptRegistry(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toContain(missing);
    expect((err as UserError).message).toContain("not found");
  });

  it("a file instead of a folder is a UserError", async () => {
    const file = join(GATEWAY, "chat", "explain_code", "system.jinja");
    const err = await loadPromptRegistry(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toContain("this is a file");
  });

  it("an empty folder lists nothing and says so on resolve", async () => {
    const dir = await mkdtemp(join(tmpdir(), "evalgate-prompts-"));
    await writeFile(join(dir, "README.yml"), "not: a definition\n");
    const registry = await loadPromptRegistry(dir);
    expect(registry.list()).toEqual([]);
    expect(userErrorOf(() => registry.resolve("x", [])).message).toContain(
      "holds no <prompt_id>/<family>/<version>.yml files",
    );
  });

  it("scans a large tree quickly", async () => {
    const dir = await mkdtemp(join(tmpdir(), "evalgate-prompts-big-"));
    const writes: Promise<void>[] = [];
    for (let p = 0; p < 200; p++) {
      for (const family of ["base", "mistral", "claude_3"]) {
        const folder = join(dir, "feature", `prompt_${p}`, family);
        await mkdir(folder, { recursive: true });
        for (const v of ["1.0.0", "1.0.1", "2.0.0"]) {
          writes.push(
            writeFile(join(folder, `${v}.yml`), "name: x\nprompt_template: {user: hi}\n"),
          );
        }
      }
    }
    await Promise.all(writes);
    const started = performance.now();
    const registry = await loadPromptRegistry(dir);
    const elapsed = performance.now() - started;
    await rm(dir, { recursive: true });
    expect(registry.list()).toHaveLength(200);
    expect(elapsed).toBeLessThan(1000);
  });
});

describe("resolve: families", () => {
  it("uses the first family in the chain that exists", async () => {
    const registry = await loadPromptRegistry(GATEWAY);
    const resolved = registry.resolve("chat/explain_code", ["mixtral", "mistral"]);
    expect(resolved).toMatchObject({
      promptId: "chat/explain_code",
      family: "mistral",
      version: "1.0.0",
      file: "chat/explain_code/mistral/1.0.0.yml",
    });
    expect(resolved.definition.name).toBe("Code explanation for Mistral");
  });

  it("falls back to base when no family in the chain exists", async () => {
    const registry = await loadPromptRegistry(GATEWAY);
    const resolved = registry.resolve("chat/explain_code", ["llama3"]);
    expect(resolved.family).toBe("base");
    // ^1.0.0 by default: the highest release, never the rc or the dev pre-release.
    expect(resolved.version).toBe("1.0.1");
    expect(resolved.file).toBe("chat/explain_code/base/1.0.1.yml");
  });

  it("an older-layout <family>.yml is the family's version 1.0.0", async () => {
    const registry = await loadPromptRegistry(GATEWAY);
    const resolved = registry.resolve("code_suggestions/generations", ["mixtral", "mistral"]);
    expect(resolved).toMatchObject({
      family: "mixtral",
      version: "1.0.0",
      file: "code_suggestions/generations/mixtral.yml",
    });
    expect(registry.resolve("code_suggestions/generations", ["mixtral"], "==1.0.0").file).toBe(
      "code_suggestions/generations/mixtral.yml",
    );
    const err = userErrorOf(() =>
      registry.resolve("code_suggestions/generations", ["mixtral"], "^2.0.0"),
    );
    expect(err.message).toContain("available versions: 1.0.0");
    expect(err.message).toContain(
      "the older-layout code_suggestions/generations/mixtral.yml counts as 1.0.0",
    );
  });

  it("lists the folders tried and the families that exist when nothing matches", async () => {
    const registry = await loadPromptRegistry(GATEWAY);
    const err = userErrorOf(() => registry.resolve("generate_description", ["mixtral", "llama3"]));
    expect(err.message).toContain('prompt "generate_description" has no definition');
    expect(err.message).toContain("generate_description/mixtral/<version>.yml");
    expect(err.message).toContain("generate_description/llama3.yml");
    expect(err.message).toContain("generate_description/base/<version>.yml");
    expect(err.message).toContain("families that exist: mistral");
    expect(err.position?.file).toBe(join(GATEWAY, "generate_description"));
  });

  it("an unknown prompt id suggests close ones", async () => {
    const registry = await loadPromptRegistry(GATEWAY);
    const err = userErrorOf(() => registry.resolve("explain_code", ["mistral"]));
    expect(err.message).toContain('unknown prompt id "explain_code"');
    expect(err.message).toContain("did you mean chat/explain_code?");
    const other = userErrorOf(() => registry.resolve("zzz", ["mistral"]));
    expect(other.message).toContain("known prompt ids: chat/explain_code");
  });
});

describe("resolve: versions", () => {
  it.each([
    ["chat/explain_code", ["llama3"], undefined, "1.0.1"],
    ["chat/explain_code", ["llama3"], "1.0.0", "1.0.0"],
    ["chat/explain_code", ["llama3"], "~1.0", "1.0.1"],
    ["chat/explain_code", ["llama3"], "==1.1.0-rc1", "1.1.0-rc1"],
    ["chat/explain_code", ["llama3"], "2.0.0-dev", "2.0.0-dev"],
    ["chat/explain_code", ["llama3"], "", "1.0.1"],
    ["code_suggestions/generations", ["codestral", "mistral"], undefined, "1.2.0"],
    ["code_suggestions/generations", ["codestral", "mistral"], "^2.0.0", "2.0.0"],
    ["code_suggestions/generations", ["codestral", "mistral"], "<1.2.0", "1.0.0"],
    ["code_suggestions/generations", ["codestral", "mistral"], "*", "2.0.0"],
  ])("%s %j %s -> %s", async (promptId, chain, version, expected) => {
    const registry = await loadPromptRegistry(GATEWAY);
    const resolved = registry.resolve(promptId, chain, version);
    expect(resolved.version).toBe(expected);
    expect(resolved.file.endsWith(`/${expected}.yml`)).toBe(true);
  });

  it("no matching version lists the available ones", async () => {
    const registry = await loadPromptRegistry(GATEWAY);
    const err = userErrorOf(() => registry.resolve("chat/explain_code", ["llama3"], "^3.0.0"));
    expect(err.message).toContain(
      'no version of prompt "chat/explain_code" family "base" matches "^3.0.0"; available versions: 1.0.0, 1.0.1, 1.1.0-rc1, 2.0.0-dev. Pre-releases',
    );
  });

  it("an unparseable constraint is a UserError", async () => {
    const registry = await loadPromptRegistry(GATEWAY);
    expect(
      userErrorOf(() => registry.resolve("chat/explain_code", [], "latest")).message,
    ).toContain('invalid version constraint "latest"');
  });

  it("two files for one version are ambiguous", async () => {
    const registry = await loadPromptRegistry(PROBLEMS);
    const err = userErrorOf(() => registry.resolve("duplicate", []));
    expect(err.message).toContain("has 2 definitions for version 1.0.0");
    expect(err.message).toContain("duplicate/base.yml, duplicate/base/1.0.0.yml");
  });
});

describe("resolve: definition validation", () => {
  it("loads a folder with broken definitions; errors surface on resolve", async () => {
    const registry = await loadPromptRegistry(PROBLEMS);
    expect(registry.has("unknown_key")).toBe(true);
    const err = userErrorOf(() => registry.resolve("unknown_key", ["mistral"]));
    expect(err.position).toEqual({
      file: join(PROBLEMS, "unknown_key", "base", "1.0.0.yml"),
      line: 2,
      column: 1,
    });
    expect(err.message).toContain('unknown key "temperature"');
  });

  it("a prompt_template with no role is an error", async () => {
    const registry = await loadPromptRegistry(PROBLEMS);
    const err = userErrorOf(() => registry.resolve("no_template", []));
    expect(err.message).toContain("prompt_template: needs at least one message role");
    expect(err.position?.line).toBe(2);
  });

  it("parses each definition once", async () => {
    const registry = await loadPromptRegistry(GATEWAY);
    const a = registry.resolve("chat/explain_code", ["mistral"]);
    const b = registry.resolve("chat/explain_code", ["mistral"]);
    expect(a.definition).toBe(b.definition);
  });
});

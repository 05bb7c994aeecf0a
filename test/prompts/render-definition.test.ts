import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/core/errors.js";
import {
  loadPromptRegistry,
  mergeModelParams,
  refuseIncludeName,
} from "../../src/prompts/index.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "definitions");
const GATEWAY = join(FIXTURES, "gateway");
const PROBLEMS = join(FIXTURES, "problems");

const DATASET_LINE = { file: "/data/examples.jsonl", line: 7 };

async function renderError(
  root: string,
  promptId: string,
  inputs: Record<string, unknown>,
  source?: { file: string; line: number },
): Promise<UserError> {
  const registry = await loadPromptRegistry(root);
  const resolved = registry.resolve(promptId, []);
  try {
    registry.render(resolved, inputs, {}, source);
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error("expected a UserError, render succeeded");
}

describe("render", () => {
  it("renders roles in order with includes relative to the root; drops an empty assistant", async () => {
    const registry = await loadPromptRegistry(GATEWAY);
    const resolved = registry.resolve("chat/explain_code", ["llama3"]);
    const rendered = registry.render(
      resolved,
      { content: "print(1)", files: ["a.py", "b.py"] },
      { temperature: 0, max_tokens: 512, seed: 7 },
    );
    expect(rendered).toEqual({
      promptId: "chat/explain_code",
      family: "base",
      version: "1.0.1",
      file: "chat/explain_code/base/1.0.1.yml",
      messages: [
        { role: "system", content: "You are a senior engineer who explains code clearly." },
        { role: "user", content: "Files: a.py, b.py\n\nprint(1)" },
      ],
      params: {
        temperature: 0.2,
        max_tokens: 4096,
        top_p: 0.9,
        seed: 7,
        timeout: 30,
        stop: ["</answer>"],
      },
    });
  });

  it("keeps an empty system message and a non-empty assistant prefill", async () => {
    const registry = await loadPromptRegistry(GATEWAY);
    const resolved = registry.resolve("chat/explain_code", ["mixtral", "mistral"]);
    const rendered = registry.render(resolved, { content: "x = 1", language: "python" });
    expect(rendered.messages).toEqual([
      { role: "system", content: "" },
      { role: "user", content: "[INST] Explain this python code:\nx = 1 [/INST]" },
      { role: "assistant", content: "Here is an explanation of the python code:" },
    ]);
    // A single stop string becomes a list; no catalog params means only the definition's.
    expect(rendered.params).toEqual({ temperature: 0, max_tokens: 1024, stop: ["[/INST]"] });
  });

  it("renders a partial from a partials-only folder elsewhere in the tree", async () => {
    const registry = await loadPromptRegistry(GATEWAY);
    const resolved = registry.resolve("code_suggestions/generations", ["llama3"]);
    const rendered = registry.render(resolved, { instruction: "Sort a list" });
    expect(rendered.messages).toEqual([
      { role: "system", content: "You write code. Reply with code only." },
      { role: "user", content: "Sort a list" },
    ]);
    expect(rendered.params).toEqual({});
  });

  it("a missing input names the dataset line, the variable and where the template reads it", async () => {
    const err = await renderError(PROBLEMS, "missing_var", { content: "x" }, DATASET_LINE);
    const file = join(PROBLEMS, "missing_var", "base", "1.0.0.yml");
    expect(err.message).toBe(
      `/data/examples.jsonl:7: inputs lack "language" (read by prompt_template.user at ${file}:5): the gateway refuses a request without it, before rendering. Add "language" to this example's inputs (given: content).`,
    );
    expect(err.position).toEqual(DATASET_LINE);
  });

  it("a missing input of a quoted template points at its own line", async () => {
    const err = await renderError(PROBLEMS, "missing_var_inline", {});
    const file = join(PROBLEMS, "missing_var_inline", "base", "1.0.0.yml");
    expect(err.message).toBe(
      `inputs lack "who" (read by prompt_template.user at ${file}:3): the gateway refuses a request without it, before rendering. Add "who" to the inputs (given: none).`,
    );
  });

  it("a missing input read by a partial names the partial's line and the including role", async () => {
    const err = await renderError(PROBLEMS, "missing_var_in_include", {}, DATASET_LINE);
    const file = join(PROBLEMS, "missing_var_in_include", "base", "1.0.0.yml");
    const partial = join(PROBLEMS, "partials", "needs_language.jinja");
    expect(err.message).toBe(
      `/data/examples.jsonl:7: inputs lack "language" (read by included template ${partial}:2, which prompt_template.system of ${file} includes): the gateway refuses a request without it, before rendering. Add "language" to this example's inputs (given: none).`,
    );
  });

  it.each([
    ["escape", "../outside.jinja", "escaping the definitions root"],
    ["escape_nested", "escape/../../outside.jinja", "escaping the definitions root"],
    ["absolute_include", "/etc/hostname", "absolute path"],
  ])("%s: refuses to include %s", async (promptId, name, why) => {
    const err = await renderError(PROBLEMS, promptId, { content: "x" });
    expect(err.message).toContain(`refusing to include "${name}"`);
    expect(err.message).toContain(why);
    expect(err.message).not.toContain("SECRET");
  });

  it("refuses a symbolic link that leads outside the root", async () => {
    const dir = await mkdtemp(join(tmpdir(), "evalgate-prompts-link-"));
    const root = join(dir, "definitions");
    await mkdir(join(root, "linked", "base"), { recursive: true });
    await writeFile(join(dir, "secret.txt"), "SECRET\n");
    await symlink(join(dir, "secret.txt"), join(root, "link.jinja"));
    await writeFile(
      join(root, "linked", "base", "1.0.0.yml"),
      "name: linked\nunit_primitive: t\nprompt_template:\n  user: \"{% include 'link.jinja' %}\"\n",
    );
    const err = await renderError(root, "linked", {});
    expect(err.message).toContain('refusing to include "link.jinja"');
    expect(err.message).toContain("symbolic link leading outside");
    expect(err.message).not.toContain("SECRET");
  });

  it("a template syntax error is a UserError at the role", async () => {
    const err = await renderError(PROBLEMS, "bad_syntax", { content: "x" });
    expect(err.message).toContain("prompt_template.user: template syntax error");
    expect(err.position?.file).toBe(join(PROBLEMS, "bad_syntax", "base", "1.0.0.yml"));
  });

  it("a missing include is a UserError at the role naming it, as the gateway fails to build the prompt", async () => {
    const err = await renderError(PROBLEMS, "missing_include", {}, DATASET_LINE);
    const file = join(PROBLEMS, "missing_include", "base", "1.0.0.yml");
    expect(err.message).toBe(
      `${file}:3:9: prompt_template.user: included template "nowhere/partial.jinja" not found under the definitions root (${PROBLEMS}); the gateway fails to build this prompt. (dataset /data/examples.jsonl:7)`,
    );
  });
});

describe("mergeModelParams", () => {
  it("catalog < model.params (minus gateway-internal keys) < params.stop/timeout", () => {
    const merged = mergeModelParams(
      {
        name: "x",
        unit_primitive: "t",
        prompt_template: { user: "u" },
        model: {
          params: {
            model: "provider/model-name",
            max_retries: 3,
            extra_headers: { "x-a": "b" },
            temperature: 0.5,
            top_k: 40,
            top_p: null,
          },
        },
        params: { stop: ["</s>"], timeout: 90, vertex_location: "us-east5" },
      },
      { temperature: 0, max_tokens: 100, top_p: 0.9, seed: 1 },
    );
    expect(merged).toEqual({
      temperature: 0.5,
      max_tokens: 100,
      top_k: 40,
      seed: 1,
      stop: ["</s>"],
      timeout: 90,
    });
  });

  it("does not modify the catalog params it is given", () => {
    const catalog = { temperature: 0.1 };
    mergeModelParams(
      {
        name: "x",
        unit_primitive: "t",
        prompt_template: { user: "u" },
        model: { params: { temperature: 1 } },
      },
      catalog,
    );
    expect(catalog).toEqual({ temperature: 0.1 });
  });
});

describe("refuseIncludeName", () => {
  it.each([
    ["chat/explain_code/system.jinja", undefined],
    ["./chat/x.jinja", undefined],
    ["../x.jinja", 'it contains ".." (escaping the definitions root)'],
    ["a/../../x.jinja", 'it contains ".." (escaping the definitions root)'],
    ["a/..", 'it contains ".." (escaping the definitions root)'],
    ["/etc/passwd", "it is an absolute path"],
    ["C:/x.jinja", "it is an absolute path"],
    ["a\\..\\x.jinja", "it contains a backslash"],
    ["", "the include name is empty"],
  ])("%j -> %s", (name, expected) => {
    expect(refuseIncludeName(name)).toBe(expected);
  });
});

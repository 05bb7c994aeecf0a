/** What `prompts render` prints: the README example as written, and --gateway-version. */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { runInProcess } from "../cli/run-test-support.js";
import { readmeBlocks } from "../support/readme-blocks.js";

it("renders the README's example definition to the README's messages", async () => {
  const [definition, inputs, messages] = await readmeBlocks("#### What `prompts render` shows");
  const dir = await mkdtemp(join(tmpdir(), "evalgate-readme-render-"));
  try {
    await mkdir(join(dir, "defs", "chat", "ask", "base"), { recursive: true });
    await writeFile(join(dir, "defs", "chat", "ask", "base", "1.0.0.yml"), definition!);
    await writeFile(join(dir, "inputs.json"), inputs!);
    const argv = ["prompts", "render", "--definitions", "defs", "--prompt", "chat/ask"];
    const result = await runInProcess(
      [...argv, "--family", "base", "--inputs", "inputs.json"],
      dir,
    );
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out).messages).toEqual(JSON.parse(messages!));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it("prompts render --gateway-version takes the documented values only", async () => {
  const dir = await mkdtemp(join(tmpdir(), "evalgate-render-version-"));
  try {
    await mkdir(join(dir, "defs", "ask", "base"), { recursive: true });
    await mkdir(join(dir, "defs", "common", "tool_output_security"), { recursive: true });
    await writeFile(
      join(dir, "defs", "common", "tool_output_security", "1.0.0.jinja"),
      "[{{ suffix }}]",
    );
    await writeFile(
      join(dir, "defs", "ask", "base", "1.0.0.yml"),
      'name: Ask\nunit_primitive: duo_chat\nprompt_template:\n  system: "Hi {{ who }}"\n',
    );
    await writeFile(join(dir, "inputs.json"), '{"who": "you"}');
    const argv = [
      "prompts",
      "render",
      "--definitions",
      "defs",
      "--prompt",
      "ask",
      "--family",
      "base",
    ];
    const messagesFor = async (version: string[]) => {
      const result = await runInProcess([...argv, ...version, "--inputs", "inputs.json"], dir);
      expect(result.code).toBe(0);
      return JSON.parse(result.out).messages;
    };
    // python3: hashlib.sha256(b"ask").hexdigest()[:16]
    expect(await messagesFor([])).toEqual([
      { role: "system", content: "[2f2fc7f2e9ce13b0]\n\nHi you" },
    ]);
    expect(await messagesFor(["--gateway-version", "2026-02"])).toEqual([
      { role: "system", content: "Hi you" },
    ]);
    const bad = await runInProcess(
      [...argv, "--gateway-version", "2025", "--inputs", "inputs.json"],
      dir,
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(
      '--gateway-version "2025" is not one of current, 2026-03, 2026-02, 2026-01',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

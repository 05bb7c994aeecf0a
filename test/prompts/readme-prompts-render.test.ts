/** The README's "What `prompts render` shows" example, run as written. */
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

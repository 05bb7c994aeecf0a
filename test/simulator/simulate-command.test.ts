import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/evalgate.js";
import { collectingIO } from "../support/cli-io.js";

async function waitFor<T>(probe: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const dir = mkdtempSync(join(tmpdir(), "evalgate-sim-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function started(out: () => string, err: () => string): Promise<string> {
  return waitFor(() => {
    if (err().length > 0) throw new Error(err());
    return /listening on (http:\/\/\S+)/.exec(out())?.[1];
  });
}

describe("evalgate simulate", () => {
  it("takes --profile and --dataset FEATURE=FILE, and answers from that answer key", async () => {
    writeFileSync(join(dir, "profile.yaml"), "models:\n  perfect:\n    quality: 1\n");
    const rows = [
      {
        inputs: { question: "How do I rotate the runner registration token?" },
        outputs: { output: "Open Settings > CI/CD > Runners and select Reset registration token." },
      },
      {
        inputs: { question: "Where are protected variables configured?" },
        outputs: {
          output: "Under Settings > CI/CD > Variables, with the Protect variable box ticked.",
        },
      },
    ];
    writeFileSync(join(dir, "docs.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n"));
    const { io, out, err } = collectingIO(dir);
    const exit = main(
      ["simulate", "--port", "0", "--profile", "profile.yaml", "--dataset", "docs=docs.jsonl"],
      io,
    );
    const url = await started(out, err);
    expect(out()).toContain("answer key: 2 examples from 1 dataset(s)");
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({
        model: "perfect",
        messages: [
          { role: "user", content: "Question: Where are protected variables configured?" },
        ],
      }),
    });
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]!.message.content).toContain("Protect variable");
    process.emit("SIGINT");
    expect(await exit).toBe(0);
  });

  it("serves the bundled config in the foreground and stops cleanly on SIGINT", async () => {
    const { io, out, err } = collectingIO(join(import.meta.dirname, "../.."));
    const exit = main(["simulate", "--port", "0"], io);
    const url = await started(out, err);
    const text = out();
    expect(text).toContain("/v1/chat/completions");
    expect(text).toContain("/model/{modelId}/converse");
    expect(text).toContain("/v2/prompts/{prompt_id}");
    expect(text).toMatch(/answer key: \d+ examples/);
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({
        model: "mistralai/Mistral-7B-Instruct-v0.3",
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(res.status).toBe(200);
    process.emit("SIGINT");
    expect(await exit).toBe(0);
    expect(out()).toContain("stopped after 1 request(s)");
    await expect(
      fetch(`${url}/v1/chat/completions`, { method: "POST", body: "{}" }),
    ).rejects.toThrow();
  });

  it("rejects a bad port with a usage error", async () => {
    const { io, err } = collectingIO(process.cwd());
    expect(await main(["simulate", "--port", "http"], io)).toBe(2);
    expect(err()).toContain("--port");
  });
});

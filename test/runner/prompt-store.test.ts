/**
 * The prompt store's bounded memory: it remembers a window of recent hashes, so a prompt
 * seen again within the window is not written twice; merge remembers every hash.
 */
import { mkdir, readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentHash } from "../../src/core/hashing.js";
import type { ChatMessage } from "../../src/core/types.js";
import {
  mergePromptFiles,
  PromptStore,
  promptHashOf,
  promptsPathIn,
} from "../../src/runner/index.js";
import { type TempDir, tempDir } from "../cli/run-test-support.js";

let temp: TempDir;
const prompt = (text: string) => [{ role: "user" as const, content: text }];
const hashesIn = async (file: string) =>
  (await readFile(file, "utf8"))
    .trimEnd()
    .split("\n")
    .map((l) => (JSON.parse(l) as { hash: string }).hash);

beforeAll(async () => {
  temp = await tempDir("evalgate-prompts-");
});
afterAll(async () => {
  await temp?.cleanup();
});

describe("PromptStore", () => {
  it("writes a prompt once within its window of recent hashes, again after it", async () => {
    const file = temp.path("a", "prompts.jsonl");
    const store = await PromptStore.open(file, { window: 2 });
    const a = store.store(prompt("a"));
    store.store(prompt("a"));
    const b = store.store(prompt("b"));
    const c = store.store(prompt("c")); // a is still in the previous generation
    store.store(prompt("a"));
    const d = store.store(prompt("d"));
    const e = store.store(prompt("e")); // now a has left both generations
    store.store(prompt("a"));
    store.close();
    expect(await hashesIn(file)).toEqual([a, b, c, d, e, a]);
  });

  it("merge writes each hash of the sources once", async () => {
    const out = temp.path("merged");
    await mkdir(out, { recursive: true });
    await mergePromptFiles([temp.path("a"), temp.path("missing")], out);
    const merged = await hashesIn(promptsPathIn(out));
    expect(merged).toHaveLength(5);
    expect(new Set(merged).size).toBe(5);
  });

  it("hashes messages as contentHash does, so records of earlier runs keep their hashes", () => {
    const samples: unknown[][] = [
      [],
      [{ role: "user", content: "Explain this code:\ndef f(x):\n    return x" }],
      [
        { content: 'You grade "answers" \u2014 strictly.\t<b>', role: "system" },
        { role: "user", content: "caf\u00e9 \ud83d\ude00 \u0000 \\ end" },
        { role: "assistant", content: "" },
      ],
      // Not plain pairs: another key, an undefined member, a non-string content.
      [{ role: "user", content: "a", name: "n" }],
      [{ role: "user", content: "a", name: undefined }],
      [{ role: "user", content: 3 }],
    ];
    for (const messages of samples) {
      expect(promptHashOf(messages as ChatMessage[])).toBe(contentHash(messages));
    }
    expect(promptHashOf([{ role: "user", content: "a" }])).toBe("5168bd634e48454d");
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/** A scratch folder for one test file, removed when its tests finish. */
export function scratchFolder(): { dir: string; write(name: string, text: string): string } {
  const dir = mkdtempSync(join(tmpdir(), "evalgate-judges-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(name, text) {
      const file = join(dir, name);
      mkdirSync(join(file, ".."), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
  };
}

export const CODE_CORRECTNESS = `name: code_correctness
description: Is the generated code correct and complete for the request?
scale: [1, 2, 3, 4]
judge_prompt:
  system: |
    You are a strict reviewer for {{ feature }}.
    Reply with exactly two lines:
    SCORE: <1-4>
    EXPLANATION: <one sentence>
  user: |
    <task>{{ input }}</task>
    <reference>{{ reference }}</reference>
    <response>{{ response }}</response>
`;

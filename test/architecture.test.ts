import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";

// DESIGN.md: a stage imports only from stages to its left and from src/core. Nothing reaches back.
const ORDER = [
  "core",
  "config",
  "catalog",
  "prompts",
  "datasets",
  "providers",
  "judges",
  "runner",
  "scoring",
  "reports",
  "simulator",
  "cli",
];

const SRC = join(import.meta.dirname, "..", "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

describe("architecture", () => {
  it("every stage imports only from stages to its left, through their index", () => {
    const violations: string[] = [];
    for (const file of sourceFiles(SRC)) {
      // src/index.ts is the package's library entry: it may re-export any stage, through
      // that stage's index. No other file may sit at the top of src/.
      if (relative(SRC, file) === "index.ts") {
        const text = readFileSync(file, "utf8");
        for (const match of text.matchAll(/from\s+"(\.\.?\/[^"]+)"/g)) {
          const target = relative(SRC, join(file, "..", match[1]!));
          const targetStage = target.split(sep)[0]!;
          if (!ORDER.includes(targetStage) || target !== join(targetStage, "index.js")) {
            violations.push(`index.ts imports ${target}: the entry re-exports stage indexes only`);
          }
        }
        continue;
      }
      const stage = relative(SRC, file).split(sep)[0]!;
      const rank = ORDER.indexOf(stage);
      if (rank < 0) {
        violations.push(`${relative(SRC, file)}: folder "${stage}" is not a known stage`);
        continue;
      }
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/from\s+"(\.\.?\/[^"]+)"/g)) {
        const target = relative(SRC, join(file, "..", match[1]!));
        const targetStage = target.split(sep)[0]!;
        if (targetStage === stage) continue;
        const targetRank = ORDER.indexOf(targetStage);
        if (targetRank < 0 || targetRank > rank) {
          violations.push(
            `${relative(SRC, file)} imports ${target} (${targetStage} is not left of ${stage})`,
          );
        } else if (targetStage !== "core" && target !== join(targetStage, "index.js")) {
          violations.push(
            `${relative(SRC, file)} imports ${target}: go through ${targetStage}/index.ts`,
          );
        }
      }
    }
    expect(violations).toEqual([]);
  });
});

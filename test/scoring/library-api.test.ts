/**
 * The package's main entry, as a user gets it: `import … from "evalgate"` resolved through
 * package.json `exports` to the built dist/index.js (npm test builds first). Every example
 * in the README's "Library API" section is run with node and must print what the README
 * says after `// →`.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

function libraryApiExamples(): { code: string; expected: string[] }[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("\n## Library API\n");
  expect(start, "README has a ## Library API section").toBeGreaterThan(0);
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end);
  return [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => ({
    code: m[1]!,
    expected: [...m[1]!.matchAll(/^\/\/ → (.*)$/gm)].map((e) => e[1]!),
  }));
}

/** Runs an ES module in the package root, so `evalgate` resolves to this package. */
function runModule(code: string): string {
  return execFileSync(process.execPath, ["--input-type=module", "-e", code], {
    cwd: ROOT,
    encoding: "utf8",
  });
}

describe("the library entry (dist/index.js)", () => {
  it("exports exactly the statistics", async () => {
    const entry = await import(join(ROOT, "dist", "index.js"));
    expect(Object.keys(entry).sort()).toEqual([
      "bootstrapInterval",
      "clusteredStandardError",
      "cohenKappa",
      "confidenceSequence",
      "fleissKappa",
      "krippendorffAlpha",
      "pairedDifference",
      "verdictSettled",
      "wilsonInterval",
    ]);
  });

  it("resolves as `evalgate` through package.json exports", () => {
    const out = runModule(
      'import { wilsonInterval } from "evalgate"; console.log(JSON.stringify(wilsonInterval(8, 10)));',
    );
    expect(JSON.parse(out)).toEqual({ low: 0.49016247153664183, high: 0.9433178485456247 });
  });

  const examples = libraryApiExamples();
  it("the README documents every export with an example", () => {
    expect(examples).toHaveLength(9);
    for (const e of examples) expect(e.expected.length, e.code).toBeGreaterThan(0);
  });

  it.each(examples.map((e) => [e.code.split("\n")[0]!, e] as const))(
    "README example %s prints what the README says",
    (_, { code, expected }) => {
      expect(runModule(code).trimEnd().split("\n")).toEqual(expected);
    },
  );
});

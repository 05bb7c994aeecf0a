import { describe, expect, it } from "vitest";
import { UserError, UserErrors } from "../../src/core/errors.js";
import { exampleIdFor, loadExamples } from "../../src/datasets/index.js";
import { errorOf, scratchFolder } from "./dataset-files.js";

const write = scratchFolder();

describe("YAML datasets", () => {
  it("reads a list of JSONL-shaped objects, with the line of each item", async () => {
    const file = write(
      "ok.yaml",
      [
        "# a comment",
        "- id: one",
        "  inputs:",
        "    content: |",
        "      def f():",
        "  outputs:",
        "    output: return 1",
        "- inputs: {content: x, tags: [a, b]}",
      ].join("\n"),
    );
    expect(await loadExamples(file)).toEqual([
      {
        id: "one",
        inputs: { content: "def f():\n" },
        reference: "return 1",
        source: { file, line: 2 },
      },
      {
        id: exampleIdFor({ content: "x", tags: ["a", "b"] }),
        inputs: { content: "x", tags: ["a", "b"] },
        reference: undefined,
        source: { file, line: 8 },
      },
    ]);
  });

  it("accepts the .yml extension and a limit", async () => {
    const file = write("two.yml", "- inputs: {a: 1}\n- inputs: {a: 2}\n- inputs: {a: 3}\n");
    expect((await loadExamples(file, { limit: 2 })).map((e) => e.inputs)).toEqual([
      { a: 1 },
      { a: 2 },
    ]);
  });

  const badFiles: [string, string, RegExp][] = [
    [
      "inputs not an object",
      "- inputs: {a: 1}\n- inputs: hello\n",
      /:2:11: "inputs" must be an object/,
    ],
    [
      "output not a string",
      "- inputs: {}\n  outputs:\n    output: [1]\n",
      /:3:13: "outputs.output" must be a string .*found an array/,
    ],
    ["missing inputs", "- outputs: {output: x}\n", /:1:3: missing "inputs"/],
    [
      "a mapping instead of a list",
      "inputs: {a: 1}\n",
      /:1:1: .*must be a list of \{inputs, outputs\} objects/,
    ],
    ["an empty file", "", /the file is empty/],
    [
      "a duplicate id",
      "- {id: a, inputs: {}}\n- {id: a, inputs: {x: 1}}\n",
      /:2: duplicate id "a" \(first used at line 1\)/,
    ],
  ];
  it.each(badFiles)("reports %s with file:line:column", async (_name, text, expected) => {
    const file = write("bad.yaml", text);
    const err = await errorOf(() => loadExamples(file));
    expect(err).toBeInstanceOf(UserError);
    expect(err.message.startsWith(file)).toBe(true);
    expect(err.message).toMatch(expected);
  });

  it("reports YAML syntax errors with their position", async () => {
    const file = write("syntax.yaml", '- inputs: {a: 1}\n- inputs: "unterminated\n');
    const err = await errorOf(() => loadExamples(file));
    expect(err).toBeInstanceOf(UserErrors);
    expect(err.message).toMatch(/syntax\.yaml:\d+:\d+: invalid YAML: Missing closing "quote/);
  });
});

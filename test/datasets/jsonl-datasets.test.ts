import { describe, expect, it } from "vitest";
import { UserError } from "../../src/core/errors.js";
import { exampleIdFor, loadExamples, readExamples } from "../../src/datasets/index.js";
import { errorOf, scratchFolder } from "./dataset-files.js";

const write = scratchFolder();

describe("JSONL datasets", () => {
  it("reads the LangSmith shape, skipping blank lines, with 1-based source lines", async () => {
    const file = write(
      "ok.jsonl",
      [
        '{"id": "first", "inputs": {"content": "def f():"}, "outputs": {"output": "return 1"}}',
        "",
        "   ",
        '{"id": 42, "inputs": {"content": "x"}}',
        '{"inputs": {"content": "y"}, "outputs": {"output": ""}, "metadata": {"src": "ls"}}',
      ].join("\n"),
    );
    const examples = await loadExamples(file);
    expect(examples).toEqual([
      {
        id: "first",
        inputs: { content: "def f():" },
        reference: "return 1",
        source: { file, line: 1 },
      },
      { id: "42", inputs: { content: "x" }, reference: undefined, source: { file, line: 4 } },
      {
        id: exampleIdFor({ content: "y" }),
        inputs: { content: "y" },
        reference: "",
        source: { file, line: 5 },
      },
    ]);
  });

  it("handles CRLF line endings and a byte-order mark", async () => {
    const file = write("crlf.jsonl", '\uFEFF{"inputs": {"a": 1}}\r\n{"inputs": {"a": 2}}\r\n');
    const examples = await loadExamples(file);
    expect(examples.map((e) => [e.inputs, e.source.line])).toEqual([
      [{ a: 1 }, 1],
      [{ a: 2 }, 2],
    ]);
  });

  it("splits lines correctly when a chunk of the file ends between \\r and \\n", async () => {
    // The reader gets the file in 64 KiB chunks: pad the first line so its \r is the last
    // character of the first chunk and its \n the first of the second.
    const head = '{"inputs": {"a": 0, "pad": "';
    const tail = '"}}';
    const pad = "x".repeat(64 * 1024 - 1 - head.length - tail.length);
    const rows = [`${head}${pad}${tail}`, '{"inputs": {"a": 1}}', '{"inputs": {"a": 2}}'];
    const file = write("boundary.jsonl", `${rows.join("\r\n")}\r`);
    expect(rows[0]!.length + 1).toBe(64 * 1024);
    const examples = await loadExamples(file);
    expect(examples.map((e) => [e.inputs["a"], e.source.line])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
  });

  it("stops at --limit without parsing the lines after it", async () => {
    const file = write("limited.jsonl", '{"inputs": {"a": 1}}\n{"inputs": {"a": 2}}\n{broken\n');
    const examples = await loadExamples(file, { limit: 2 });
    expect(examples.map((e) => e.inputs["a"])).toEqual([1, 2]);
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const example of readExamples(file)) seen.push(example.inputs["a"]);
    })().catch((err: unknown) => err);
    // Every example before the broken line is handed out before the error about it.
    expect(seen).toEqual([1, 2]);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/line 3|:3/);
  });

  it("derives ids from the inputs, independent of key order", async () => {
    expect(exampleIdFor({ a: 1, b: { c: 2, d: 3 } })).toBe(
      exampleIdFor({ b: { d: 3, c: 2 }, a: 1 }),
    );
    expect(exampleIdFor({ a: 1 })).not.toBe(exampleIdFor({ a: 2 }));
    expect(exampleIdFor({ a: 1 })).toMatch(/^[0-9a-f]{16}$/);
    const file = write("hashed.jsonl", '{"inputs": {"b": 2, "a": 1}}\n');
    const [example] = await loadExamples(file);
    expect(example!.id).toBe(exampleIdFor({ a: 1, b: 2 }));
  });

  const badLines: [string, string, RegExp][] = [
    [
      "invalid JSON",
      '{"inputs": {"a": 1,}}',
      /:2:20: invalid JSON \(expected double-quoted property name\)/,
    ],
    ["truncated JSON", '{"inputs": {"a": 1}', /:2(:\d+)?: invalid JSON/],
    ["a JSON array", "[1, 2]", /:2: expected an object like .*found an array/],
    ["missing inputs", '{"outputs": {"output": "x"}}', /:2: missing "inputs"/],
    [
      "inputs not an object",
      '{"inputs": "hello"}',
      /:2: "inputs" must be an object .*found a string/,
    ],
    ["inputs an array", '{"inputs": ["a"]}', /:2: "inputs" must be an object .*found an array/],
    [
      "outputs.output not a string",
      '{"inputs": {}, "outputs": {"output": 3}}',
      /:2: "outputs.output" must be a string .*found a number/,
    ],
    [
      "reference under another key",
      '{"inputs": {}, "outputs": {"reference": "x"}}',
      /:2: "outputs" has no "output" key \(found "reference"\)/,
    ],
    ["outputs a string", '{"inputs": {}, "outputs": "x"}', /:2: "outputs" must be an object/],
    ["misspelled key", '{"inputs": {}, "output": "x"}', /:2: unknown key "output"/],
    ["boolean id", '{"id": true, "inputs": {}}', /:2: "id" must be a non-empty string or a number/],
    ["empty id", '{"id": " ", "inputs": {}}', /:2: "id" must be a non-empty string/],
  ];
  it.each(badLines)("reports %s at file:line", async (_name, line, expected) => {
    const file = write("bad.jsonl", `{"inputs": {"ok": true}}\n${line}\n`);
    const err = await errorOf(() => loadExamples(file));
    expect(err).toBeInstanceOf(UserError);
    expect(err.message.startsWith(file)).toBe(true);
    expect(err.message).toMatch(expected);
  });

  it("does not echo dataset text from the JSON parser into the message", async () => {
    const file = write("private.jsonl", "my hunter2 password\n");
    const err = await errorOf(() => loadExamples(file));
    expect(err.message).toMatch(/:1: invalid JSON \(unexpected token 'm'\)/);
    expect(err.message).not.toContain("hunter2");
  });

  it("rejects a duplicate id naming both lines", async () => {
    const file = write(
      "dup.jsonl",
      '{"id": "a", "inputs": {"x": 1}}\n{"id": "b", "inputs": {"x": 2}}\n{"id": "a", "inputs": {"x": 3}}\n',
    );
    const err = await errorOf(() => loadExamples(file));
    expect(err.message).toBe(
      `${file}:3: duplicate id "a" (first used at line 1); give each example a distinct id`,
    );
  });

  it("rejects identical inputs without ids, naming both lines", async () => {
    const file = write("same.jsonl", '{"inputs": {"x": 1}}\n\n{"inputs": {"x": 1}}\n');
    const err = await errorOf(() => loadExamples(file));
    expect(err.message).toMatch(/same\.jsonl:3: same inputs as the example at line 1/);
  });

  it("treats a number id and the same string id as one id", async () => {
    const file = write(
      "numstr.jsonl",
      '{"id": 1, "inputs": {"x": 1}}\n{"id": "1", "inputs": {"x": 2}}\n',
    );
    await expect(loadExamples(file)).rejects.toThrow(/:2: duplicate id "1"/);
  });

  it("stops at the limit without reading bad lines after it", async () => {
    const file = write("limit.jsonl", '{"inputs": {"x": 1}}\n{"inputs": {"x": 2}}\nnot json\n');
    const examples = await loadExamples(file, { limit: 2 });
    expect(examples.map((e) => e.inputs)).toEqual([{ x: 1 }, { x: 2 }]);
    expect(await loadExamples(file, { limit: 0 })).toEqual([]);
    await expect(loadExamples(file, { limit: 3 })).rejects.toThrow(/:3: invalid JSON/);
  });

  it("rejects a negative or fractional limit", async () => {
    const file = write("any.jsonl", '{"inputs": {}}\n');
    expect(() => readExamples(file, { limit: -1 })).toThrow(/limit must be a whole number/);
    expect(() => readExamples(file, { limit: 1.5 })).toThrow(/limit must be a whole number/);
  });
});

describe("dataset files", () => {
  it("names a missing file", async () => {
    const missing = `${write("x.jsonl", "")}.gone.jsonl`;
    const err = await errorOf(() => loadExamples(missing));
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe(`${missing}: dataset file not found; check the path`);
  });

  it("lists the supported extensions for an unknown one", () => {
    const file = write("data.json", "[]");
    expect(() => readExamples(file)).toThrow(
      `${file}: unsupported dataset format ".json"; use one of .jsonl, .csv, .yaml, .yml`,
    );
  });

  it("accepts upper-case extensions and an empty file", async () => {
    const file = write("EMPTY.JSONL", "");
    expect(await loadExamples(file)).toEqual([]);
  });
});

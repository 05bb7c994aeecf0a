import { describe, expect, it } from "vitest";
import { UserError } from "../../src/core/errors.js";
import { exampleIdFor, loadExamples } from "../../src/datasets/index.js";
import { errorOf, scratchFolder } from "./dataset-files.js";

const write = scratchFolder();

describe("CSV datasets", () => {
  it("turns columns into inputs, with id and reference/expected set aside", async () => {
    const file = write(
      "ok.csv",
      'id,language,content,reference\n1,python,"def add(a, b):",return a + b\n2,go,func f(),\n',
    );
    expect(await loadExamples(file)).toEqual([
      {
        id: "1",
        inputs: { language: "python", content: "def add(a, b):" },
        reference: "return a + b",
        source: { file, line: 2 },
      },
      {
        id: "2",
        inputs: { language: "go", content: "func f()" },
        reference: undefined,
        source: { file, line: 3 },
      },
    ]);
  });

  it("uses an `expected` column as the reference and hashes inputs when there is no id", async () => {
    const file = write("expected.csv", "question,expected\nwhat is 2+2?,4\n");
    const [example] = await loadExamples(file);
    expect(example).toEqual({
      id: exampleIdFor({ question: "what is 2+2?" }),
      inputs: { question: "what is 2+2?" },
      reference: "4",
      source: { file, line: 2 },
    });
  });

  it("falls back to the hash when an id cell is empty", async () => {
    const file = write("emptyid.csv", "id,q\n,hello\n");
    const [example] = await loadExamples(file);
    expect(example!.id).toBe(exampleIdFor({ q: "hello" }));
  });

  it("keeps values as strings, JSON-looking ones included", async () => {
    const file = write("json.csv", 'q,n\n"{""a"": 1}",42\n');
    const [example] = await loadExamples(file);
    expect(example!.inputs).toEqual({ q: '{"a": 1}', n: "42" });
  });

  it("reports editor line numbers across quoted multi-line values and CRLF", async () => {
    const file = write(
      "multi.csv",
      'id,content\r\na,"line one\r\nline two"\r\n\r\nb,plain\r\n,\r\nc,"x\r\ny\r\nz"\r\nd,ok\r\n',
    );
    const examples = await loadExamples(file);
    expect(examples.map((e) => [e.id, e.source.line])).toEqual([
      ["a", 2],
      ["b", 5],
      ["c", 7],
      ["d", 10],
    ]);
    expect(examples[0]!.inputs["content"]).toBe("line one\r\nline two");
  });

  it("reads a byte-order mark and trims header names", async () => {
    const file = write("bom.csv", "\uFEFF id , text \nx,hello\n");
    const [example] = await loadExamples(file);
    expect(example).toMatchObject({ id: "x", inputs: { text: "hello" } });
  });

  const badFiles: [string, string, string][] = [
    [
      "a row with too many values",
      "a,b\n1,2\n\n3,4,5\n",
      ":4: row has 3 values but the header has 2 columns; quote values that contain commas or line breaks",
    ],
    [
      "a row with too few values",
      "a,b\n1,2\n3\n",
      ":3: row has 1 value but the header has 2 columns",
    ],
    ["an empty header name", "a,,c\n1,2,3\n", ":1: header column 2 has no name"],
    ["duplicate header names", "q,id,q\n1,2,3\n", ':1: duplicate header "q" in columns 1 and 3'],
    [
      "both reference and expected",
      "q,reference,expected\n1,2,3\n",
      ':1: both "reference" and "expected"',
    ],
    ["an unclosed quote", 'q\nok\n"never closed\n', ":3: invalid CSV: Quote Not Closed"],
    ["a stray quote", 'q,r\n1,"a"b\n', ":2: invalid CSV: Invalid Closing Quote"],
    ["an empty file", "", ": the CSV file is empty; it needs a header row"],
    ["a duplicate id", "id,q\n7,a\n8,b\n7,c\n", ':4: duplicate id "7" (first used at line 2)'],
  ];
  it.each(badFiles)("reports %s with file and line", async (_name, text, expected) => {
    const file = write("bad.csv", text);
    const err = await errorOf(() => loadExamples(file));
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toContain(`${file}${expected}`);
  });

  it("skips rows whose values are all empty", async () => {
    const file = write("blank.csv", "q,r\n,\nhi,there\n");
    expect((await loadExamples(file)).map((e) => e.inputs)).toEqual([{ q: "hi", r: "there" }]);
  });

  it("stops at the limit before a bad row", async () => {
    const file = write("limit.csv", 'q\na\nb\n"broken\n');
    expect((await loadExamples(file, { limit: 2 })).map((e) => e.inputs["q"])).toEqual(["a", "b"]);
  });
});

import { describe, expect, it } from "vitest";
import { UserError, UserErrors } from "../../src/core/errors.js";
import { loadEvaluator, loadEvaluators, renderJudgePrompt } from "../../src/judges/index.js";
import { CODE_CORRECTNESS, scratchFolder } from "./evaluator-files.js";

const scratch = scratchFolder();

async function errorOf(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error, but none was thrown");
}

describe("loadEvaluator", () => {
  it("loads a rubric", async () => {
    const file = scratch.write("ok/code_correctness.yaml", CODE_CORRECTNESS);
    const evaluator = await loadEvaluator(file);
    expect(evaluator).toMatchObject({
      name: "code_correctness",
      description: "Is the generated code correct and complete for the request?",
      scale: [1, 2, 3, 4],
      file,
    });
    expect(evaluator.judgePrompt?.user).toContain("<response>{{ response }}</response>");
    expect(evaluator.positionOf(["judge_prompt", "user"])).toMatchObject({ file, line: 10 });
  });

  it("defaults the scale to 1-4", async () => {
    const file = scratch.write(
      "noscale/plain.yaml",
      "name: plain\ndescription: d\njudge_prompt:\n  system: s\n  user: '{{ response }}'\n",
    );
    expect((await loadEvaluator(file)).scale).toEqual([1, 2, 3, 4]);
  });

  const badFiles: [string, string, RegExp][] = [
    [
      "a name that does not match the file",
      CODE_CORRECTNESS.replace("name: code_correctness", "name: other"),
      /bad\.yaml:1:\d+: evaluator name "other" does not match the file name; rename the file to other\.yaml or set name: bad/,
    ],
    [
      "a scale other than 1-4",
      CODE_CORRECTNESS.replace("name: code_correctness", "name: bad").replace(
        "[1, 2, 3, 4]",
        "[1, 2, 3, 4, 5]",
      ),
      /bad\.yaml:3:\d+: scale: must be \[1, 2, 3, 4\]/,
    ],
    [
      "an unknown key",
      CODE_CORRECTNESS.replace("name: code_correctness", "name: bad").replace(
        "scale:",
        "threshold: 3\nscale:",
      ),
      /bad\.yaml:3:1: .*unknown key "threshold"/,
    ],
    [
      "a misspelt template variable",
      CODE_CORRECTNESS.replace("name: code_correctness", "name: bad").replace(
        "{{ response }}",
        "{{ responce }}",
      ),
      /bad\.yaml:10:\d+: judge_prompt\.user: variable "responce" is undefined \(template line 3\); judge prompts can use input, response, reference, feature/,
    ],
    [
      "a template syntax error",
      CODE_CORRECTNESS.replace("name: code_correctness", "name: bad").replace(
        "<task>{{ input }}</task>",
        "<task>{% if input %}{{ input }}</task>",
      ),
      /bad\.yaml:10:\d+: judge_prompt\.user: template syntax error/,
    ],
  ];
  it.each(badFiles)("reports %s at file:line", async (_name, text, expected) => {
    const file = scratch.write(`bad-${_name.length}/bad.yaml`, text);
    const err = await errorOf(() => loadEvaluator(file));
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(expected);
  });

  it("names a missing file", async () => {
    await expect(loadEvaluator(`${scratch.dir}/none.yaml`)).rejects.toThrow(
      /none\.yaml: file not found/,
    );
  });
});

describe("loadEvaluators", () => {
  it("loads every rubric in a folder by name", async () => {
    scratch.write("many/code_correctness.yaml", CODE_CORRECTNESS);
    scratch.write(
      "many/chat_quality.yml",
      "name: chat_quality\ndescription: d\njudge_prompt:\n  system: s\n  user: '{{ response }}'\n",
    );
    scratch.write("many/notes.txt", "not an evaluator");
    const evaluators = await loadEvaluators(`${scratch.dir}/many`);
    expect([...evaluators.keys()]).toEqual(["chat_quality", "code_correctness"]);
  });

  it("reports the problems of every file together", async () => {
    scratch.write("broken/one.yaml", "name: one\n");
    scratch.write(
      "broken/two.yaml",
      "name: two\ndescription: d\njudge_prompt: {system: s, user: '{{ x }}'}\n",
    );
    const err = await errorOf(() => loadEvaluators(`${scratch.dir}/broken`));
    expect(err).toBeInstanceOf(UserErrors);
    expect(err.message).toMatch(/one\.yaml.*missing required key/);
    expect(err.message).toMatch(/two\.yaml:3:\d+: judge_prompt\.user: variable "x" is undefined/);
  });

  it("rejects the same rubric as .yaml and .yml", async () => {
    const text = "name: twice\ndescription: d\njudge_prompt:\n  system: s\n  user: u\n";
    scratch.write("twice/twice.yaml", text);
    scratch.write("twice/twice.yml", text);
    await expect(loadEvaluators(`${scratch.dir}/twice`)).rejects.toThrow(
      /twice\.yml: evaluator "twice" is also defined in twice\.yaml/,
    );
  });

  it("names a missing folder", async () => {
    await expect(loadEvaluators(`${scratch.dir}/nowhere`)).rejects.toThrow(
      /nowhere: evaluators folder not found/,
    );
  });
});

describe("renderJudgePrompt", () => {
  it("renders system and user messages with Jinja2 semantics", async () => {
    const evaluator = await loadEvaluator(
      scratch.write("render/code_correctness.yaml", CODE_CORRECTNESS),
    );
    const messages = renderJudgePrompt(evaluator, {
      input: "write add()",
      response: "def add(a, b): return a + b",
      reference: "return a + b",
      feature: "code_generations",
    });
    expect(messages).toEqual([
      {
        role: "system",
        content:
          "You are a strict reviewer for code_generations.\nReply with exactly two lines:\nSCORE: <1-4>\nEXPLANATION: <one sentence>",
      },
      {
        role: "user",
        content:
          "<task>write add()</task>\n<reference>return a + b</reference>\n<response>def add(a, b): return a + b</response>",
      },
    ]);
  });

  it("renders a missing reference as empty, so `{% if reference %}` works", async () => {
    const evaluator = await loadEvaluator(
      scratch.write(
        "ref/optional_ref.yaml",
        "name: optional_ref\ndescription: d\njudge_prompt:\n  system: s\n  user: '{% if reference %}R={{ reference }}{% else %}no reference{% endif %}'\n",
      ),
    );
    const vars = { input: "i", response: "r", feature: "f" };
    expect(renderJudgePrompt(evaluator, { ...vars, reference: undefined })[1]!.content).toBe(
      "no reference",
    );
    expect(renderJudgePrompt(evaluator, { ...vars, reference: "x" })[1]!.content).toBe("R=x");
  });
});

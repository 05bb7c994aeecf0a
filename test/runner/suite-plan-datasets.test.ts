import { afterEach, describe, expect, it } from "vitest";
import { loadConfig, resolveSuite } from "../../src/config/index.js";
import { UserError } from "../../src/core/errors.js";
import { planSuite } from "../../src/runner/index.js";
import { type TempConfig, writeTempConfig } from "../config/temp-config.js";

let temp: TempConfig | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

async function plan(dataset: string) {
  temp = await writeTempConfig({ "data/explain.jsonl": dataset });
  const config = await loadConfig(temp.entry);
  return planSuite(config, resolveSuite(config, undefined), {}, undefined);
}

describe("planSuite datasets", () => {
  it("counts examples and streams them again on read(), without holding them", async () => {
    const suite = await plan(
      '{"id": "a", "inputs": {"code": "1"}, "outputs": {"output": "one"}}\n' +
        '{"id": "b", "inputs": {"code": "2"}, "outputs": {"output": "two"}}\n',
    );
    const dataset = suite.datasets.get("explain")!;
    expect(dataset.count).toBe(2);
    expect(dataset.idsChecked).toBe(true);
    expect(suite.pairs.map((p) => p.planned)).toEqual([2, 2]);
    const ids: string[] = [];
    for await (const example of dataset.read()) ids.push(example.id);
    expect(ids).toEqual(["a", "b"]);
  });

  it("stops planning at a duplicate example id, naming both lines", async () => {
    const error = await plan(
      '{"id": "a", "inputs": {"code": "1"}, "outputs": {"output": "one"}}\n' +
        '{"id": "b", "inputs": {"code": "2"}, "outputs": {"output": "two"}}\n' +
        '{"id": "a", "inputs": {"code": "3"}, "outputs": {"output": "three"}}\n',
    ).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).position).toEqual({
      file: temp!.path("data/explain.jsonl"),
      line: 3,
    });
    expect((error as UserError).message).toContain('duplicate id "a" (first used at line 1)');
  });
});

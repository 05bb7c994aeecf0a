import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { readmeBlocks } from "../support/readme-blocks.js";
import { change, type TempConfig, writeTempConfig } from "./temp-config.js";

let temp: TempConfig | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

const withVersion = (line: string) =>
  change("evalgate.yaml", "judge: judge-model\n", `judge: judge-model\n${line}\n`);

describe("gateway_version", () => {
  it("defaults to current", async () => {
    temp = await writeTempConfig();
    expect((await loadConfig(temp.entry)).gatewayVersion).toBe("current");
  });

  it.each(["2026-03", "2026-02", "2026-01", "current"])("accepts %s", async (version) => {
    temp = await writeTempConfig(withVersion(`gateway_version: "${version}"`));
    expect((await loadConfig(temp.entry)).gatewayVersion).toBe(version);
  });

  it("refuses another value at its line, listing the values", async () => {
    temp = await writeTempConfig(withVersion("gateway_version: 2025-12"));
    const err = (await loadConfig(temp.entry).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain(`${temp.entry}:6:18: gateway_version:`);
    expect(err.message).toContain('"current"|"2026-03"|"2026-02"|"2026-01"');
  });
});

it("the README's gateway_version example loads", async () => {
  const [example] = await readmeBlocks("#### `gateway_version`");
  temp = await writeTempConfig(withVersion(example!.trim()));
  expect((await loadConfig(temp.entry)).gatewayVersion).toBe("2026-02");
});

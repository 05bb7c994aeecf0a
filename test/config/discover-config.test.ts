import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/evalgate.js";
import { findConfigFile } from "../../src/config/index.js";
import { UserError } from "../../src/core/errors.js";
import { collectingIO } from "../support/cli-io.js";
import { VALID_FILES } from "./temp-config.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "evalgate-discover-"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function touch(...parts: string[]): Promise<string> {
  const file = join(root, ...parts);
  await mkdir(join(file, ".."), { recursive: true });
  await writeFile(file, "");
  return file;
}

describe("findConfigFile", () => {
  it("tries evalgate.yaml, evalgate/evalgate.yaml, config/evalgate.yaml in that order", async () => {
    const inConfig = await touch("config", "evalgate.yaml");
    expect(findConfigFile(root)).toBe(inConfig);
    const inEvalgate = await touch("evalgate", "evalgate.yaml");
    expect(findConfigFile(root)).toBe(inEvalgate);
    const top = await touch("evalgate.yaml");
    expect(findConfigFile(root)).toBe(top);
  });

  it("walks up from a subfolder and takes the nearest folder that has one", async () => {
    const outer = await touch("evalgate", "evalgate.yaml");
    await mkdir(join(root, "pkg", "src", "deep"), { recursive: true });
    expect(findConfigFile(join(root, "pkg", "src", "deep"))).toBe(outer);
    const inner = await touch("pkg", "config", "evalgate.yaml");
    expect(findConfigFile(join(root, "pkg", "src", "deep"))).toBe(inner);
  });

  it("ignores a folder named like the file", async () => {
    await mkdir(join(root, "evalgate.yaml"));
    const real = await touch("config", "evalgate.yaml");
    expect(findConfigFile(root)).toBe(real);
  });

  it("--config wins, resolved against the working directory, found or not", async () => {
    await touch("evalgate.yaml");
    expect(findConfigFile(root, "elsewhere/mine.yaml")).toBe(join(root, "elsewhere", "mine.yaml"));
  });

  it("names every place it looked when nothing is found", () => {
    const empty = join(root, "a");
    let error: unknown;
    try {
      findConfigFile(empty);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UserError);
    const message = (error as UserError).message;
    expect(message).toContain(`${join(root, "a", "evalgate.yaml")}\n`);
    expect(message).toContain(`${join(root, "a", "evalgate", "evalgate.yaml")}\n`);
    expect(message).toContain(`${join(root, "a", "config", "evalgate.yaml")}\n`);
    expect(message).toContain(`${join(root, "evalgate.yaml")}\n`);
  });
});

describe("commands find the config by walking up", () => {
  it("validate run from a subfolder checks the project's evalgate/evalgate.yaml", async () => {
    for (const [name, text] of Object.entries(VALID_FILES)) {
      const file = join(root, "evalgate", name);
      await mkdir(join(file, ".."), { recursive: true });
      await writeFile(file, text);
    }
    await mkdir(join(root, "src"), { recursive: true });
    const io = collectingIO(join(root, "src"));
    expect(await main(["validate"], io.io)).toBe(0);
    expect(io.out()).toContain(`config: ${join(root, "evalgate", "evalgate.yaml")}\n`);
  });

  it("run with no config anywhere exits 2 before creating anything", async () => {
    const io = collectingIO(root);
    expect(await main(["run", "--simulate"], io.io)).toBe(2);
    expect(io.err()).toContain("evalgate run: no evalgate configuration found");
  });
});

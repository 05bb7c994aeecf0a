import { existsSync } from "node:fs";
import { copyFile, mkdir, readdir } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { ExitCode, UserError } from "../../core/errors.js";
import { type CliIO, type Command, parseCommandArgs } from "../command.js";
import { packageFile } from "../package-files.js";

const USAGE = `evalgate init [DIR] [--force]

  DIR      the project to set up (default: the working directory); files go to DIR/evalgate/
  --force  overwrite files evalgate init wrote before (never DIR/.gitlab-ci.yml)`;

/** The scaffold: copied as is, so what a user gets is exactly what the package tests run. */
const TEMPLATE_DIR = packageFile("templates", "init", "evalgate");
/** The project's .gitlab-ci.yml when it has none: one include of evalgate/gitlab-ci.yml. */
const ROOT_CI_TEMPLATE = packageFile("templates", "init", "root", "gitlab-ci.yml");
const INCLUDE_SNIPPET = "include:\n  - local: evalgate/gitlab-ci.yml\n";

/** Relative when inside the working directory (short, copyable), else absolute. */
function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

async function templateFiles(dir: string, prefix = ""): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const name = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await templateFiles(join(dir, entry.name), name)));
    else files.push(name);
  }
  return files;
}

export const init: Command = {
  name: "init",
  summary: "scaffold evalgate/ in a project: config, one feature, dataset, evaluator, CI job",
  usage: USAGE,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs(
      { name: "init", usage: USAGE },
      argv,
      { force: { type: "boolean" } },
      true,
    );
    if (positionals.length > 1) {
      throw new UserError(`init takes one folder, got ${positionals.length}\nusage: ${USAGE}`);
    }
    const project = resolve(io.cwd, positionals[0] ?? ".");
    const target = join(project, "evalgate");
    const files = await templateFiles(TEMPLATE_DIR);
    const existing = files.filter((f) => existsSync(join(target, f)));
    if (existing.length > 0 && values.force !== true) {
      throw new UserError(
        `${target} already holds ${existing.length} of the files init writes (${existing.slice(0, 3).join(", ")}${existing.length > 3 ? ", …" : ""}); nothing was changed. Pass --force to overwrite them, or choose another DIR`,
      );
    }
    for (const file of files) {
      const to = join(target, file);
      try {
        await mkdir(dirname(to), { recursive: true });
        await copyFile(join(TEMPLATE_DIR, file), to);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? String(err);
        throw new UserError(`cannot write ${to} (${code}); choose a writable DIR`);
      }
    }
    const shown = shownPath(io.cwd, target);
    const lines = [`wrote ${files.length} files to ${shown}/:`, ...files.map((f) => `  ${f}`)];
    const rootCi = join(project, ".gitlab-ci.yml");
    if (existsSync(rootCi)) {
      lines.push(
        "",
        `${shownPath(io.cwd, rootCi)} exists and was left alone; add the evalgate job to it with:`,
        ...INCLUDE_SNIPPET.trimEnd()
          .split("\n")
          .map((l) => `  ${l}`),
      );
    } else {
      await copyFile(ROOT_CI_TEMPLATE, rootCi);
      lines.push(`wrote ${shownPath(io.cwd, rootCi)} (it includes evalgate/gitlab-ci.yml)`);
    }
    lines.push(
      "",
      "next:",
      ...(project === resolve(io.cwd) ? [] : [`  cd ${shownPath(io.cwd, project)}`]),
      "  npx evalgate validate          check the config, prompts and dataset",
      "  npx evalgate run --simulate    rehearse the suite offline",
      "  edit evalgate/models.yaml       point my-vllm-model at your server, then: npx evalgate run",
      "",
    );
    io.out(lines.join("\n"));
    return ExitCode.ok;
  },
};

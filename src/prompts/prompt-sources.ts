/**
 * Every file a prompt id's rendering can read: the definition files of all its families and
 * versions, and the partials they include, followed through `{% include %}` to any depth.
 * `run --changed-since` uses it to tell which features a change touches.
 */
import { readFileSync } from "node:fs";
import { join, sep } from "node:path";
import { loadEveryDefinition } from "./definitions-check.js";
import { JinjaEnvironment, TemplateSyntaxError } from "./jinja/index.js";
import type { PromptRegistry } from "./prompt-registry.js";
import { definitionTemplates } from "./sample-inputs.js";
import { computedIncludePrefixes, includedTemplateNames } from "./template-walk.js";

export interface PromptSource {
  /** Absolute path of a file, or of a folder (ending in the path separator). */
  path: string;
  /** Why it belongs to the prompt, e.g. "definition" or "included by chat/x.jinja". */
  via: string;
}

/**
 * The sources of `promptId`. An include whose name is computed at render time (`'langs/' ~
 * language ~ '.jinja'`) can load any file under the folder its literal start names, so that
 * whole folder is a source (the definitions root when the name has no literal start).
 */
export function promptSourceFiles(registry: PromptRegistry, promptId: string): PromptSource[] {
  const sources = new Map<string, PromptSource>();
  const add = (path: string, via: string) => {
    if (!sources.has(path)) sources.set(path, { path, via });
  };
  const env = new JinjaEnvironment({ loader: () => undefined });
  const parse = (source: string, name: string) => {
    try {
      return env.parse(source, name);
    } catch (err) {
      // A template that does not parse reads nothing more; `validate` reports it.
      if (err instanceof TemplateSyntaxError) return undefined;
      throw err;
    }
  };
  const visited = new Set<string>();
  const follow = (source: string, name: string) => {
    const ast = parse(source, name);
    if (!ast) return;
    for (const included of includedTemplateNames(ast)) {
      if (included === null || visited.has(included)) continue;
      visited.add(included);
      const file = join(registry.root, ...included.split("/"));
      add(file, `included by ${name}`);
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        continue; // a missing partial is `validate`'s to report
      }
      follow(text, included);
    }
    for (const prefix of computedIncludePrefixes(ast)) {
      const folder = prefix.slice(0, prefix.lastIndexOf("/") + 1);
      const path = join(registry.root, ...folder.split("/").filter(Boolean)) + sep;
      add(path, `a computed include in ${name} can load any file under it`);
    }
  };
  const { loaded } = loadEveryDefinition(registry);
  for (const summary of registry.list().filter((p) => p.promptId === promptId)) {
    for (const family of summary.families) {
      for (const file of family.files) add(join(registry.root, file), "definition");
    }
  }
  for (const definition of loaded.filter((d) => d.promptId === promptId)) {
    for (const template of definitionTemplates(definition)) follow(template, definition.file);
  }
  return [...sources.values()];
}

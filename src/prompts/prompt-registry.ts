/**
 * The prompt registry: which definition the gateway would pick for (prompt id, family chain,
 * version constraint), and that definition parsed and validated.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type GatewayVersion, type LoadedYaml, parseYamlText } from "../config/index.js";
import { UserError } from "../core/errors.js";
import type { ModelParams, RenderedPrompt } from "../core/types.js";
import { type PromptDefinition, promptDefinitionSchema } from "./definition-schema.js";
import {
  type DefinitionsLayout,
  type FamilyLayout,
  OLDER_LAYOUT_VERSION,
  scanDefinitions,
} from "./definitions-layout.js";
import { gatewayBehaviour } from "./gateway-behaviour.js";
import { createDefinitionRenderer, type InputsSource } from "./render-definition.js";
import {
  DEFAULT_VERSION_CONSTRAINT,
  parseVersionConstraint,
  selectVersion,
  sortVersionNames,
} from "./version-constraints.js";

/** The family every prompt falls back to when no family in the chain has a folder. */
export const BASE_FAMILY = "base";

export interface PromptFamilySummary {
  family: string;
  /** Every version the family has, ascending (an older-layout file counts as 1.0.0). */
  versions: string[];
  /** Every definition file of the family, in version order, relative to the root. */
  files: string[];
}

export interface PromptSummary {
  promptId: string;
  families: PromptFamilySummary[];
}

export interface ResolvedDefinition {
  promptId: string;
  /** The family actually used, after fallback. */
  family: string;
  version: string;
  /** Definition path relative to the definitions root, with `/` separators. */
  file: string;
  definition: PromptDefinition;
}

export interface PromptRegistry {
  /** Absolute definitions dir. */
  root: string;
  list(): PromptSummary[];
  has(promptId: string): boolean;
  /** First family in `familyChain` that has a folder/file under the prompt, else `base`. Throws UserError listing tried folders. */
  resolve(promptId: string, familyChain: string[], version?: string): ResolvedDefinition;
  /** Which gateway's rules render definitions (`gateway_version`). */
  gatewayVersion: GatewayVersion;
  /**
   * Exactly the messages and params the gateway would send. Throws a UserError for inputs the
   * gateway would refuse (naming `source`, the dataset line, when given) and for templates it
   * refuses or cannot render (naming the definition file and template line).
   */
  render(
    resolved: ResolvedDefinition,
    inputs: Record<string, unknown>,
    modelParams?: ModelParams,
    source?: InputsSource,
  ): RenderedPrompt;
}

export interface PromptRegistryOptions {
  /** Default `current`: today's gateway. */
  gatewayVersion?: GatewayVersion;
}

function normalizePromptId(promptId: string): string {
  return promptId.trim().replace(/^\/+|\/+$/g, "");
}

function summarizeFamily(layout: FamilyLayout): PromptFamilySummary {
  const versions = sortVersionNames(layout.versions.keys());
  return {
    family: layout.family,
    versions,
    files: versions.flatMap((v) => layout.versions.get(v) ?? []),
  };
}

function familyLocations(promptId: string, family: string): string {
  return `${promptId}/${family}/<version>.yml or ${promptId}/${family}.yml`;
}

function closeMatches(promptId: string, known: string[]): string[] {
  const last = promptId.split("/").pop()!.toLowerCase();
  return known.filter((id) => {
    const lower = id.toLowerCase();
    return lower.includes(last) || last.includes(lower.split("/").pop()!);
  });
}

class DefinitionsFolderRegistry implements PromptRegistry {
  readonly root: string;
  readonly gatewayVersion: GatewayVersion;
  private readonly layout: DefinitionsLayout;
  private readonly parsed = new Map<string, LoadedYaml<PromptDefinition>>();
  private readonly renderer;

  constructor(layout: DefinitionsLayout, gatewayVersion: GatewayVersion) {
    this.root = layout.root;
    this.layout = layout;
    this.gatewayVersion = gatewayVersion;
    this.renderer = createDefinitionRenderer(
      layout.root,
      (resolved) => this.parsed.get(resolved.file),
      gatewayBehaviour(gatewayVersion),
    );
  }

  list(): PromptSummary[] {
    return [...this.layout.prompts.keys()].sort().map((promptId) => ({
      promptId,
      families: [...this.layout.prompts.get(promptId)!.values()]
        .sort((a, b) => a.family.localeCompare(b.family))
        .map(summarizeFamily),
    }));
  }

  has(promptId: string): boolean {
    return this.layout.prompts.has(normalizePromptId(promptId));
  }

  resolve(promptId: string, familyChain: string[], version?: string): ResolvedDefinition {
    const id = normalizePromptId(promptId);
    const families = this.layout.prompts.get(id);
    if (!families) throw this.unknownPrompt(promptId);
    // Chain order is kept even if it names `base` early; `base` is always the last resort.
    const tried = [...new Set([...familyChain, BASE_FAMILY])];
    const family = tried.map((f) => families.get(f)).find((f) => f !== undefined);
    if (!family) {
      const where = tried.map((f) => `    ${familyLocations(id, f)}`).join("\n");
      throw new UserError(
        `prompt "${id}" has no definition for families ${tried.join(", ")}; tried:\n${where}\n  families that exist: ${[...families.keys()].sort().join(", ")}. Add a "${BASE_FAMILY}" definition or choose a model whose family has one.`,
        { file: join(this.root, id) },
      );
    }
    const constraintText = version?.trim() || DEFAULT_VERSION_CONSTRAINT;
    const constraint = parseVersionConstraint(constraintText);
    const available = sortVersionNames(family.versions.keys());
    const chosen = selectVersion(constraint, available);
    if (chosen === undefined) {
      const olderLayout = family.olderLayoutFile
        ? ` (the older-layout ${family.olderLayoutFile} counts as ${OLDER_LAYOUT_VERSION})`
        : "";
      throw new UserError(
        `no version of prompt "${id}" family "${family.family}" matches "${constraintText}"; available versions: ${available.join(", ")}${olderLayout}. Pre-releases are only chosen when named exactly (e.g. ==1.1.0-rc1).`,
        { file: join(this.root, id, family.family) },
      );
    }
    const files = family.versions.get(chosen)!;
    if (files.length > 1) {
      throw new UserError(
        `prompt "${id}" family "${family.family}" has ${files.length} definitions for version ${chosen}: ${files.join(", ")}. Keep one (an older-layout <family>.yml counts as ${OLDER_LAYOUT_VERSION}).`,
        { file: join(this.root, files[0]!) },
      );
    }
    const file = files[0]!;
    return {
      promptId: id,
      family: family.family,
      version: chosen,
      file,
      definition: this.loadDefinition(file).value,
    };
  }

  render(
    resolved: ResolvedDefinition,
    inputs: Record<string, unknown>,
    modelParams?: ModelParams,
    source?: InputsSource,
  ): RenderedPrompt {
    return this.renderer(resolved, inputs, modelParams, source);
  }

  private loadDefinition(file: string): LoadedYaml<PromptDefinition> {
    const cached = this.parsed.get(file);
    if (cached) return cached;
    const absolute = join(this.root, file);
    let text: string;
    try {
      text = readFileSync(absolute, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new UserError(`cannot read prompt definition (${code})`, { file: absolute });
    }
    // The gateway reads definitions with PyYAML safe_load: YAML 1.1, `max_tokens: 8_192` is 8192.
    const loaded = parseYamlText(absolute, text, promptDefinitionSchema, { yaml: "1.1" });
    this.parsed.set(file, loaded);
    return loaded;
  }

  private unknownPrompt(promptId: string): UserError {
    const known = [...this.layout.prompts.keys()].sort();
    if (known.length === 0) {
      return new UserError(
        `unknown prompt id "${promptId}": the definitions folder holds no <prompt_id>/<family>/<version>.yml files`,
        { file: this.root },
      );
    }
    const close = closeMatches(promptId, known);
    const hint =
      close.length > 0
        ? `did you mean ${close.slice(0, 5).join(", ")}?`
        : `known prompt ids: ${known.slice(0, 20).join(", ")}${known.length > 20 ? ", …" : ""}`;
    return new UserError(
      `unknown prompt id "${promptId}" (no ${promptId}/<family>/ folder or ${promptId}/<family>.yml); ${hint} Run \`evalgate prompts list\` to see them all.`,
      { file: this.root },
    );
  }
}

/** Scan a definitions folder (all layouts). Definitions are parsed lazily, on `resolve`. */
export async function loadPromptRegistry(
  definitionsDir: string,
  options: PromptRegistryOptions = {},
): Promise<PromptRegistry> {
  return new DefinitionsFolderRegistry(
    await scanDefinitions(definitionsDir),
    options.gatewayVersion ?? "current",
  );
}

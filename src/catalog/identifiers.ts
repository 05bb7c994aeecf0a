import type { ProviderKind } from "../core/types.js";

/** What an identifier prefix means: how to reach the model and where, by default. */
export interface IdentifierPrefix {
  provider: Exclude<ProviderKind, "gateway">;
  defaultEndpoint: string | undefined;
  needsEndpoint: boolean;
  needsRegion: boolean;
  needsApiVersion: boolean;
}

export const IDENTIFIER_PREFIXES: Readonly<Record<string, IdentifierPrefix>> = {
  custom_openai: {
    provider: "openai_compatible",
    defaultEndpoint: undefined,
    needsEndpoint: true,
    needsRegion: false,
    needsApiVersion: false,
  },
  fireworks_ai: {
    provider: "openai_compatible",
    defaultEndpoint: "https://api.fireworks.ai/inference/v1",
    needsEndpoint: false,
    needsRegion: false,
    needsApiVersion: false,
  },
  openai: {
    provider: "openai_compatible",
    defaultEndpoint: "https://api.openai.com/v1",
    needsEndpoint: false,
    needsRegion: false,
    needsApiVersion: false,
  },
  azure: {
    provider: "azure_openai",
    defaultEndpoint: undefined,
    needsEndpoint: true,
    needsRegion: false,
    needsApiVersion: true,
  },
  bedrock: {
    provider: "bedrock",
    defaultEndpoint: undefined,
    needsEndpoint: false,
    needsRegion: true,
    needsApiVersion: false,
  },
};

export interface ParsedIdentifier {
  prefix: string;
  servedName: string;
  kind: IdentifierPrefix;
}

/**
 * Split an identifier into its prefix and served name. An identifier without `/` is a served
 * name on an OpenAI-compatible server (`custom_openai`), as in the gateway. One with `/` must
 * start with a known prefix: served names like `mistralai/Mistral-7B` contain slashes too,
 * and guessing which part is a provider would silently send requests to the wrong place.
 * Returns an error message (without position) when the prefix is unknown.
 */
export function parseIdentifier(identifier: string): ParsedIdentifier | string {
  const slash = identifier.indexOf("/");
  if (slash < 0) {
    return {
      prefix: "custom_openai",
      servedName: identifier,
      kind: IDENTIFIER_PREFIXES["custom_openai"]!,
    };
  }
  const prefix = identifier.slice(0, slash);
  const servedName = identifier.slice(slash + 1);
  const kind = Object.hasOwn(IDENTIFIER_PREFIXES, prefix) ? IDENTIFIER_PREFIXES[prefix] : undefined;
  if (!kind) {
    const allowed = Object.keys(IDENTIFIER_PREFIXES)
      .map((p) => `${p}/`)
      .join(", ");
    return `identifier "${identifier}" has unknown prefix "${prefix}/"; use one of ${allowed} (for an OpenAI-compatible server such as vLLM write custom_openai/${identifier})`;
  }
  if (servedName.length === 0) {
    return `identifier "${identifier}" has nothing after "${prefix}/"; write ${prefix}/<model name>`;
  }
  return { prefix, servedName, kind };
}

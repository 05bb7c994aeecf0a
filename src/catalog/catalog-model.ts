import type { ModelEntry } from "../config/index.js";
import { type SourcePosition, UserError } from "../core/errors.js";
import type { CatalogModel, ModelParams } from "../core/types.js";
import { parseIdentifier } from "./identifiers.js";

export type Positioner = (path: readonly PropertyKey[]) => SourcePosition;

/**
 * Turn one models.yaml entry into a CatalogModel, or the list of what is wrong with it.
 * `familyChain` is resolved by the caller, which knows the `families:` overrides.
 */
export function toCatalogModel(
  entry: ModelEntry,
  familyChain: string[],
  positionOf: Positioner,
  modelsFile: string,
): CatalogModel | UserError[] {
  const problems: UserError[] = [];
  const where = (key: string) => positionOf([key]);
  const parsed = parseIdentifier(entry.identifier);
  if (typeof parsed === "string") {
    return [new UserError(`model "${entry.name}": ${parsed}`, where("identifier"))];
  }
  const { kind, prefix } = parsed;
  const endpoint = entry.endpoint ?? kind.defaultEndpoint;
  if (kind.needsEndpoint && endpoint === undefined) {
    const example =
      prefix === "azure" ? "https://YOUR-RESOURCE.openai.azure.com" : "http://localhost:8000/v1";
    problems.push(
      new UserError(
        `model "${entry.name}": ${prefix}/ models need an endpoint; add endpoint: ${example}`,
        where("identifier"),
      ),
    );
  }
  if (kind.needsRegion && entry.region === undefined) {
    problems.push(
      new UserError(
        `model "${entry.name}": bedrock/ models need an AWS region; add region: us-east-1 (or the region the model is enabled in)`,
        where("identifier"),
      ),
    );
  }
  if (!kind.needsRegion && entry.region !== undefined) {
    problems.push(
      new UserError(
        `model "${entry.name}": region is only used by bedrock/ models; remove it (in ${modelsFile})`,
        where("region"),
      ),
    );
  }
  if (kind.needsApiVersion && entry.api_version === undefined) {
    problems.push(
      new UserError(
        `model "${entry.name}": azure/ models need an API version; add api_version: 2024-10-21 (or the version your resource supports)`,
        where("identifier"),
      ),
    );
  }
  if (!kind.needsApiVersion && entry.api_version !== undefined) {
    problems.push(
      new UserError(
        `model "${entry.name}": api_version is only used by azure/ models; remove it`,
        where("api_version"),
      ),
    );
  }
  if (problems.length > 0) return problems;

  const params: ModelParams = {};
  for (const [k, v] of Object.entries(entry.params ?? {})) if (v !== undefined) params[k] = v;
  return {
    name: entry.name,
    family: entry.family,
    familyChain,
    provider: kind.provider,
    endpoint,
    identifier: entry.identifier,
    identifierPrefix: prefix,
    servedName: parsed.servedName,
    apiKeyEnv: entry.api_key_env,
    region: entry.region,
    apiVersion: entry.api_version,
    params,
    limits: {
      concurrency: entry.limits?.concurrency ?? 4,
      requestsPerMinute: entry.limits?.requests_per_minute,
      tokensPerMinute: entry.limits?.tokens_per_minute,
    },
    prices: entry.prices && {
      inputPerMillion: entry.prices.input_per_million,
      outputPerMillion: entry.prices.output_per_million,
    },
  };
}

/**
 * `evalgate run --simulate`: one in-process simulator stands in for every endpoint the
 * config names, while each model keeps its identity (served name, Bedrock model id, Azure
 * deployment), so a user's exact configuration can be dry-run offline.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { LoadedConfig } from "../config/index.js";
import { contentHash } from "../core/hashing.js";
import type { CatalogModel } from "../core/types.js";
import type { SuitePlan } from "../runner/index.js";
import {
  loadAnswerKey,
  loadSimulatorProfile,
  type RunningSimulator,
  simulatorNamesFromCatalog,
  startSimulator,
} from "../simulator/index.js";

/** Stand-in value for API keys the catalog names but the simulator does not check. */
const SIMULATED_KEY = "simulated-api-key";
/**
 * Bedrock models authenticate to the simulator with a bearer key from this variable, so an
 * offline run never walks the AWS credential chain (which would probe instance metadata).
 */
const SIMULATED_BEDROCK_KEY_ENV = "EVALGATE_SIMULATED_BEDROCK_KEY";

export interface SimulatedEndpoints {
  simulator: RunningSimulator;
  profileFile: string | undefined;
  /** The model pointed at the simulator, with stand-in credentials. */
  reachModel(model: CatalogModel): CatalogModel;
  /** The environment with stand-in values for unset key variables, so offline runs need none. */
  env: NodeJS.ProcessEnv;
  /**
   * Which simulator answers, as the response cache records it: `true` for the built-in
   * defaults, else a hash of the profile, so answers given under one profile are never
   * replayed under another.
   */
  simulation: true | string;
}

/** `--simulate-profile FILE`, else `simulator-profile.yaml` beside the entry file, if any. */
export function defaultProfileFile(config: LoadedConfig): string | undefined {
  const beside = join(dirname(config.entryFile), "simulator-profile.yaml");
  return existsSync(beside) ? beside : undefined;
}

export async function startSimulatedEndpoints(
  config: LoadedConfig,
  plan: Pick<SuitePlan, "catalog" | "features" | "limit">,
  profileFile: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<SimulatedEndpoints> {
  const profile = profileFile ? await loadSimulatorProfile(profileFile) : undefined;
  const names = simulatorNamesFromCatalog(plan.catalog.models.values(), (name) =>
    plan.catalog.roleOf(name),
  );
  const answerKey = await loadAnswerKey(
    plan.features.map((f) => [f.id, f.dataset!] as [string, string]),
    plan.limit === undefined ? {} : { limit: plan.limit },
  );
  const simulator = await startSimulator({
    ...(profile ? { profile } : {}),
    definitionsDir: config.definitionsDir,
    gatewayVersion: config.gatewayVersion,
    answerKey,
    aliases: names.aliases,
    judgeAliases: names.judgeAliases,
    families: names.families,
  });
  const simulatedEnv: NodeJS.ProcessEnv = { ...env };
  for (const model of plan.catalog.models.values()) {
    if (model.apiKeyEnv && !simulatedEnv[model.apiKeyEnv])
      simulatedEnv[model.apiKeyEnv] = SIMULATED_KEY;
  }
  simulatedEnv[SIMULATED_BEDROCK_KEY_ENV] = SIMULATED_KEY;
  const tokenEnv = config.entry.value.gateway?.token_env;
  if (tokenEnv && !simulatedEnv[tokenEnv]) simulatedEnv[tokenEnv] = SIMULATED_KEY;
  return {
    simulator,
    profileFile,
    env: simulatedEnv,
    simulation: profile ? `profile:${contentHash(profile)}` : true,
    reachModel: (model) => ({
      ...model,
      endpoint: model.provider === "openai_compatible" ? `${simulator.url}/v1` : simulator.url,
      apiKeyEnv: model.provider === "bedrock" ? SIMULATED_BEDROCK_KEY_ENV : model.apiKeyEnv,
      // Per-minute quotas belong to the provider, which is not there; the client's own
      // concurrency stays. Rehearse quotas with the profile's `limits` (429s) instead.
      limits: { concurrency: model.limits.concurrency },
    }),
  };
}

/**
 * The simulator stage: a local server speaking the OpenAI (and Azure OpenAI), Bedrock
 * Converse and AI gateway protocols, with simulated models whose quality, latency, faults and
 * limits come from a profile. Later stages import only from here.
 */
import type { GatewayVersion } from "../config/index.js";
import type { PromptRegistry } from "../prompts/index.js";
import type { AnswerKeyEntry } from "./answer-key.js";
import { parseSimulatorProfile, type SimulatorProfile } from "./profile-schema.js";
import { listen, type RunningSimulator } from "./simulator-server.js";

export type { AnswerKeyEntry } from "./answer-key.js";
export { loadAnswerKey, type SimulatorNames, simulatorNamesFromCatalog } from "./catalog-wiring.js";
export type { FaultKind } from "./fault-injection.js";
export {
  DEFAULT_QUALITY,
  loadSimulatorProfile,
  type SimulatorProfile,
  simulatorProfileSchema,
} from "./profile-schema.js";
export { REFUSAL_TEXT } from "./simulated-model.js";
export type { RunningSimulator } from "./simulator-server.js";
export type { ModelStats, Outcome, RouteKind, SimulatorStats } from "./simulator-stats.js";

export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Per-model quality, latency, faults, rate limits; validated here. */
  profile?: SimulatorProfile;
  /** Prompt definitions for the gateway endpoints. */
  definitionsDir?: string;
  /** Which gateway's prompt rules the gateway endpoints follow (default `current`). */
  gatewayVersion?: GatewayVersion;
  /** Lets simulated models answer close to the references of these examples. */
  answerKey?: AnswerKeyEntry[];
  /**
   * Family -> fallback chain for the gateway endpoints, over the built-in chains (the
   * gateway is sent the family as `model_metadata.name`).
   */
  families?: Record<string, string[]>;
  /** Wire name (served name, Bedrock model id, Azure deployment) -> catalog name. */
  aliases?: Record<string, string>;
  /**
   * Wire name -> catalog name of a `role: judge` model, used for judge requests: a judge that
   * shares its served name with a model under test still gets its own profile entry.
   */
  judgeAliases?: Record<string, string>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const profile = parseSimulatorProfile(options.profile);
  let registry: PromptRegistry | undefined;
  if (options.definitionsDir !== undefined) {
    // Loaded on demand: a simulator without gateway endpoints never pays for the template engine.
    const { loadPromptRegistry } = await import("../prompts/index.js");
    registry = await loadPromptRegistry(options.definitionsDir, {
      ...(options.gatewayVersion ? { gatewayVersion: options.gatewayVersion } : {}),
    });
  }
  return listen({
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    profile,
    answerKey: options.answerKey ?? [],
    aliases: options.aliases ?? {},
    judgeAliases: options.judgeAliases ?? {},
    gateway: {
      registry,
      families: options.families ?? {},
      token: profile.gateway?.token,
      allowedEndpoints: profile.gateway?.allowed_endpoints,
    },
  });
}

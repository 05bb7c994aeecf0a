/**
 * What each `gateway_version` changes in how a definition is rendered. The values and the
 * gateway commits they match are documented in docs/prompts.md ("Gateway versions").
 */
import type { GatewayVersion } from "../config/index.js";
import { type Filter, gatewayFilters } from "./jinja/index.js";

export interface GatewayBehaviour {
  version: GatewayVersion;
  /** "gateway": PromptSandboxedEnvironment; "legacy": SandboxedEnvironment (before 0155540de). */
  sandbox: "gateway" | "legacy";
  filters: Record<string, Filter>;
  /** Prepend the tool-output security block to the first system message (a335cc349). */
  securityBlock: boolean;
  /** Append an optional `history` placeholder when none is declared (9d9f22d30). */
  automaticHistory: boolean;
}

export function gatewayBehaviour(version: GatewayVersion = "current"): GatewayBehaviour {
  const legacy = version === "2026-01";
  return {
    version,
    sandbox: legacy ? "legacy" : "gateway",
    // The gateway's own filters (`split`) arrived with its sandbox, in 0155540de.
    filters: legacy ? {} : gatewayFilters,
    securityBlock: version === "current" || version === "2026-03",
    automaticHistory: version === "current",
  };
}

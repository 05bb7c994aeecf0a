import { UserError } from "../core/errors.js";
import type { CatalogModel } from "../core/types.js";

/**
 * Keys come only from the environment variables the catalog names. They are read once,
 * when a client is created, so a missing variable stops the run before the first request
 * instead of turning every cell into an `auth` failure.
 */

/** Where the catalog is usually written; used only to point the user at the right file. */
const MODELS_FILE_HINT = "models.yaml";

/**
 * The key named by `envName`, or throws a UserError naming the variable and `owner` (a
 * model, or the gateway) when the variable is unset or empty. `key` is the config key that
 * names the variable, so the message can say which line to look at.
 */
export function requireEnvSecret(
  env: NodeJS.ProcessEnv,
  envName: string,
  owner: string,
  key: string,
): string {
  const value = env[envName];
  if (value === undefined || value.trim() === "") {
    throw new UserError(
      `${owner} reads its key from the environment variable ${envName} (${key}: ${envName}), ` +
        `but ${envName} is ${value === undefined ? "not set" : "empty"}. ` +
        `Export it (export ${envName}=...) before running evalgate, or remove ${key} if the endpoint needs no key.`,
    );
  }
  return value;
}

/** The model's API key, or undefined when the catalog names no variable (e.g. a local vLLM). */
export function modelApiKey(model: CatalogModel, env: NodeJS.ProcessEnv): string | undefined {
  if (!model.apiKeyEnv) return undefined;
  return requireEnvSecret(
    env,
    model.apiKeyEnv,
    `Model "${model.name}" (${MODELS_FILE_HINT})`,
    "api_key_env",
  );
}

/**
 * Removes known secret values from text built out of server or SDK errors: servers do
 * echo request headers and bodies back in error messages, and those messages end up in
 * the journal and on the console.
 */
export class SecretScrubber {
  private readonly secrets: string[];

  constructor(secrets: (string | undefined)[]) {
    // Longest first, so a key that contains another is removed whole.
    this.secrets = [...new Set(secrets.filter((s): s is string => !!s && s.length >= 4))].sort(
      (a, b) => b.length - a.length,
    );
  }

  scrub(text: string): string {
    let result = text;
    for (const secret of this.secrets) {
      result = result.split(secret).join("[redacted]");
      // Also catch a key that was URL- or JSON-escaped on its way back to us.
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) result = result.split(encoded).join("[redacted]");
      const jsonEscaped = JSON.stringify(secret).slice(1, -1);
      if (jsonEscaped !== secret) result = result.split(jsonEscaped).join("[redacted]");
    }
    return result;
  }
}

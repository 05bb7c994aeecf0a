import { z } from "zod";

/**
 * Field types shared by several config files. Environment variables are only ever named,
 * never read here: the providers read them when they need a key, so a config file can be
 * shared without leaking secrets.
 */
export const envVarName = z
  .string()
  .regex(
    /^[A-Z_][A-Z0-9_]*$/,
    "must be the NAME of an environment variable (upper case letters, digits and _ like VLLM_API_KEY), never the secret itself",
  );

/** Names users type on the command line and in lists: models, features, suites, evaluators. */
export const catalogName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    "must start with a letter or digit and contain only letters, digits, '.', '_' and '-'",
  );

export const familyName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, "must be a family name in lower case like mistral or claude_3");

export const relativePath = z.string().min(1, "must be a non-empty path");

export const httpUrl = z
  .string()
  .regex(/^https?:\/\/\S+$/, "must be an http:// or https:// URL like http://localhost:8000/v1");

/**
 * Model families and their prompt fallback chains, as the AI gateway has them. A prompt is
 * looked up under the first family folder in the chain that exists, else under `base`, so
 * the chains never list `base` themselves.
 */
export const BUILTIN_FAMILY_CHAINS: Readonly<Record<string, readonly string[]>> = {
  mistral: ["mistral"],
  mixtral: ["mixtral", "mistral"],
  codestral: ["codestral", "mistral"],
  llama3: ["llama3"],
  gpt: ["gpt"],
  claude_3: ["claude_3"],
  codegemma: ["codegemma"],
  codellama: ["codellama"],
  deepseekcoder: ["deepseekcoder"],
  gemini: ["gemini"],
  qwen: ["qwen"],
  // The gateway has no `general` folder for any prompt: such models always use `base`.
  general: [],
};

/**
 * The fallback chain for `family`, with `overrides` (models.yaml `families:`) taking
 * precedence over the built-in table. Undefined when the family is known to neither.
 */
export function familyChainFor(
  family: string,
  overrides?: Readonly<Record<string, readonly string[]>>,
): string[] | undefined {
  // hasOwn: a family named like an Object.prototype member must not resolve to it.
  if (overrides && Object.hasOwn(overrides, family)) return [...overrides[family]!];
  if (Object.hasOwn(BUILTIN_FAMILY_CHAINS, family)) return [...BUILTIN_FAMILY_CHAINS[family]!];
  return undefined;
}

/** Every family name known to the built-ins or the overrides, sorted, for error messages. */
export function knownFamilies(overrides?: Readonly<Record<string, readonly string[]>>): string[] {
  return [
    ...new Set([...Object.keys(BUILTIN_FAMILY_CHAINS), ...Object.keys(overrides ?? {})]),
  ].sort();
}

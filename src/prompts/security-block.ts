/**
 * The gateway's tool-output security block (lib/prompts/utilities.py `render_security_block`):
 * the definitions tree's `common/tool_output_security/1.0.0.jinja`, rendered by a plain
 * (non-sandboxed) Jinja2 environment with a `suffix`, then a blank line. The gateway derives
 * the suffix from the chat's workflow id (sha256, first 16 hex digits) so it stays stable for
 * prompt caching; evalgate does the same with the prompt id in place of the workflow id, so
 * reruns send identical prompts and the response cache keeps hitting.
 */
import { createHash } from "node:crypto";
import { JinjaEnvironment, type JinjaEnvironmentOptions } from "./jinja/index.js";

/** Where the block's template lives, relative to the definitions root. */
export const SECURITY_BLOCK_TEMPLATE = "common/tool_output_security/1.0.0.jinja";

/** The block's suffix for a prompt: the first 16 hex digits of sha256(prompt id). */
export function securitySuffix(promptId: string): string {
  return createHash("sha256").update(promptId, "utf8").digest("hex").slice(0, 16);
}

/**
 * Renders the block per prompt id (cached), or undefined when the tree has no such partial.
 * The block's own template is trusted package text in the gateway: no sandbox, no includes.
 */
export function createSecurityBlockRenderer(
  loadSource: (name: string) => string | undefined,
): (promptId: string) => string | undefined {
  let source: string | null | undefined;
  let env: JinjaEnvironment | undefined;
  const rendered = new Map<string, string>();
  return (promptId) => {
    if (source === undefined) source = loadSource(SECURITY_BLOCK_TEMPLATE) ?? null;
    if (source === null) return undefined;
    let block = rendered.get(promptId);
    if (block === undefined) {
      // `sandbox` is declared by the engine's gateway-sandbox work; "legacy" is its plain mode.
      const options: JinjaEnvironmentOptions & { sandbox?: "gateway" | "legacy" } = {
        loader: () => undefined,
        sandbox: "legacy",
      };
      env ??= new JinjaEnvironment(options);
      block = `${env.renderString(source, { suffix: securitySuffix(promptId) }, SECURITY_BLOCK_TEMPLATE)}\n\n`;
      rendered.set(promptId, block);
    }
    return block;
  };
}

/**
 * One check per fixture case of test/fixtures/gateway (expected outcomes written by
 * scripts/gateway-render.py, the gateway's environment in Python): evalgate renders the same
 * messages, or refuses for the same reason with a message naming the definition, the template
 * line and what was missing.
 */
import { expect } from "vitest";
import {
  FIXTURE_DEFINITIONS,
  type GatewayCase,
  gatewayRefusalClass,
  loadGatewayCases,
  loadRegistryFor,
  renderWithEvalgate,
} from "../fixtures/gateway/gateway-comparison.js";

export function gatewayCases(): GatewayCase[] {
  return loadGatewayCases();
}

/** The name of the missing template in the Python script's "template not found: NAME". */
function missingTemplateName(message: string): string {
  return message.replace(/^template not found: /, "");
}

export async function expectRendersAsGateway(c: GatewayCase): Promise<void> {
  const registry = await loadRegistryFor(FIXTURE_DEFINITIONS, c.gateway_version ?? "current");
  const outcome = renderWithEvalgate(registry, c);
  if ("messages" in c) {
    expect(outcome).toEqual({ messages: c.messages });
    return;
  }
  if (!("error" in outcome)) throw new Error(`expected a refusal, got ${JSON.stringify(outcome)}`);
  const { error } = c;
  expect(outcome.error.refusal).toBe(gatewayRefusalClass(error));
  expect(outcome.error.message).toContain(c.definition);
  if (error.line !== undefined && error.template === undefined)
    expect(outcome.error.message).toContain(`template line ${error.line}`);
  for (const variable of error.variables ?? []) expect(outcome.error.message).toContain(variable);
  if (error.type === "TemplateNotFound")
    expect(outcome.error.message).toContain(missingTemplateName(error.message));
}

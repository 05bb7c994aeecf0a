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

/**
 * Cases that need the other issue-8 branches (why, by branch). gateway-parity-pending.test.ts
 * runs these; the lead folds it into gateway-parity.test.ts by emptying this list once merged.
 */
export const PENDING_CASES: Record<string, string> = {
  basic: "i8-messages: security block",
  "basic-history": "i8-messages: security block, history appended",
  "basic-2026-03-history-ignored": "i8-messages: security block, gateway_version 2026-03",
  "yaml11-numbers": "i8-yaml: max_tokens: 4_096",
  "list-roles": "i8-messages: list of strings per role",
  "list-roles-2026-02": "i8-messages: list of strings per role",
  placeholder: "i8-messages: placeholder",
  "placeholder-and-history": "i8-messages: placeholder and history",
  "placeholder-missing": "i8-messages: placeholder input required",
  "history-placeholder": "i8-messages: placeholder named history",
  "includes-terse": "i8-messages: security block",
  "includes-terse-no-audience-2026-02":
    "i8-jinja/i8-messages: a variable only in a computed include is a default Undefined",
  loops: "i8-jinja: a missing attribute is a default Undefined; i8-messages: security block",
  "loops-2026-02": "i8-jinja: a missing attribute is a default Undefined",
  "undefined-attribute-renders-empty": "i8-jinja: default Undefined",
  "undefined-chain-on-dict": "i8-jinja: UndefinedError only when an Undefined is used further",
  "undefined-chain-refused": "i8-jinja: UndefinedError only when an Undefined is used further",
  filters: "i8-jinja: the gateway's split defaults to delimiter ' ', not whitespace runs",
  "refuse-call": "i8-jinja: calls refused",
  "refuse-range": "i8-jinja: calls refused",
  "refuse-multiply": "i8-jinja: * refused",
  "refuse-power": "i8-jinja: ** refused",
  "callable-attribute": "i8-jinja: callable attributes unsafe",
  "refuse-mutation": "i8-jinja: mutation refused",
  "refuse-split-empty": "i8-jinja: split('') is a SecurityError",
  "no-split-filter-2026-01": "i8-messages/i8-jinja: legacyGatewayFilters under 2026-01",
  "refuse-parse-json-not-string": "i8-jinja: parse_json refusals",
  "refuse-parse-json-invalid": "i8-jinja: parse_json refusals",
};

export function gatewayCases(pending: boolean): GatewayCase[] {
  return loadGatewayCases().filter((c) => Object.hasOwn(PENDING_CASES, c.id) === pending);
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

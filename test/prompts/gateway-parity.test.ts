import { describe, expect, it } from "vitest";
import { loadGatewayCases } from "../fixtures/gateway/gateway-comparison.js";
import { expectRendersAsGateway, gatewayCases, PENDING_CASES } from "./gateway-parity-support.js";

describe("gateway parity on test/fixtures/gateway (expected outputs from scripts/gateway-render.py)", () => {
  it("lists every pending case among the fixture cases", () => {
    const ids = new Set(loadGatewayCases().map((c) => c.id));
    expect(Object.keys(PENDING_CASES).filter((id) => !ids.has(id))).toEqual([]);
  });

  for (const c of gatewayCases(false)) {
    it(`${c.id}: ${c.definition} (${c.gateway_version ?? "current"})`, async () => {
      await expectRendersAsGateway(c);
    });
  }
});

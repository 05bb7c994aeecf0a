import { describe, expect, it } from "vitest";
import { expectRendersAsGateway, gatewayCases } from "./gateway-parity-support.js";

describe("gateway parity on test/fixtures/gateway (expected outputs from scripts/gateway-render.py)", () => {
  it("has the fixture cases", () => {
    expect(gatewayCases().length).toBeGreaterThanOrEqual(37);
  });

  for (const c of gatewayCases()) {
    it(`${c.id}: ${c.definition} (${c.gateway_version ?? "current"})`, async () => {
      await expectRendersAsGateway(c);
    });
  }
});

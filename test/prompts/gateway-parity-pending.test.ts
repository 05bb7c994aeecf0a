/**
 * The gateway-parity cases that pass only once the other issue-8 branches are merged (see
 * PENDING_CASES for why, case by case). Not part of `npm test` on branch i8-parity: run it with
 * `EVALGATE_PENDING=1 npx vitest run test/prompts/gateway-parity-pending.test.ts`. The lead folds it into
 * gateway-parity.test.ts by emptying PENDING_CASES.
 */
import { describe, it } from "vitest";
import { expectRendersAsGateway, gatewayCases } from "./gateway-parity-support.js";

describe("gateway parity, cases pending other branches", () => {
  for (const c of gatewayCases(true)) {
    it(`${c.id}: ${c.definition} (${c.gateway_version ?? "current"})`, async () => {
      await expectRendersAsGateway(c);
    });
  }
});

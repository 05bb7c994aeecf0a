import { describe, expect, it } from "vitest";
import { contentHash, stableStringify } from "../../src/core/hashing.js";

describe("stableStringify", () => {
  it("sorts keys at every depth and drops undefined members", () => {
    expect(stableStringify({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });
  it("hashes equal values equally whatever the key order", () => {
    expect(contentHash({ x: 1, y: "two" })).toBe(contentHash({ y: "two", x: 1 }));
    expect(contentHash({ x: 1 })).not.toBe(contentHash({ x: 2 }));
    expect(contentHash("a")).toHaveLength(16);
  });
});

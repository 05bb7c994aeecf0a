import { describe, expect, it } from "vitest";
import { SecretScrubber } from "../../src/providers/api-keys.js";
import {
  classifyHttpStatus,
  classifyNetworkError,
  parseRetryAfterMs,
} from "../../src/providers/index.js";

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it("prefers retry-after-ms, then seconds, then an HTTP-date", () => {
    expect(
      parseRetryAfterMs(new Headers({ "retry-after-ms": "250.4", "retry-after": "9" }), now),
    ).toBe(250);
    expect(parseRetryAfterMs(new Headers({ "retry-after": "1.5" }), now)).toBe(1500);
    expect(parseRetryAfterMs({ "Retry-After": "Wed, 01 Jan 2025 00:00:42 GMT" }, now)).toBe(42_000);
  });
  it("clamps past dates to 0 and ignores junk", () => {
    expect(parseRetryAfterMs({ "retry-after": "Tue, 31 Dec 2024 23:59:00 GMT" }, now)).toBe(0);
    expect(parseRetryAfterMs({ "retry-after": "soon" }, now)).toBeUndefined();
    expect(parseRetryAfterMs({ "retry-after-ms": "-5" }, now)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe("classifyHttpStatus", () => {
  it.each([
    [429, "", "rate_limited"],
    [408, "", "timeout"],
    [500, "", "server"],
    [502, "", "server"],
    [401, "", "auth"],
    [403, "", "auth"],
    [413, "", "context_too_long"],
    [400, "prompt is too long: 250000 tokens > 200000 maximum", "context_too_long"],
    [400, "content_filter ResponsibleAIPolicyViolation", "content_filtered"],
    [404, "model not found", "bad_request"],
    [422, "field required", "bad_request"],
  ] as const)("%i %s → %s", (status, detail, expected) => {
    expect(classifyHttpStatus(status, detail)).toBe(expected);
  });
});

describe("classifyNetworkError", () => {
  it("follows cause chains to the socket error code", () => {
    const refused = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }),
    });
    expect(classifyNetworkError(refused)).toBe("connection");
    expect(classifyNetworkError(Object.assign(new Error("x"), { code: "ETIMEDOUT" }))).toBe(
      "timeout",
    );
    expect(classifyNetworkError(new Error("something else entirely"))).toBeUndefined();
  });
});

describe("SecretScrubber", () => {
  it("removes raw, URL-encoded and JSON-escaped secrets, longest first", () => {
    const scrubber = new SecretScrubber(["abc/def+ghi", 'abc/def+ghi"x', undefined, "ab"]);
    const text = `a abc/def+ghi b ${encodeURIComponent("abc/def+ghi")} c ${JSON.stringify('abc/def+ghi"x')}`;
    const scrubbed = scrubber.scrub(text);
    expect(scrubbed).not.toContain("abc/def");
    expect(scrubbed).not.toContain("abc%2Fdef");
    // Secrets shorter than 4 characters are not scrubbed: they would shred ordinary text.
    expect(scrubber.scrub("tab")).toBe("tab");
  });
});

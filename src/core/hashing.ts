import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted at every depth, so equal values always hash equally
 * whatever order their keys were written in. `undefined` object members are dropped, as
 * JSON.stringify does.
 */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== "object") {
    const s = JSON.stringify(value);
    return s === undefined ? "null" : s;
  }
  if (Array.isArray(value)) return `[${value.map((v) => stableStringify(v)).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`).join(",")}}`;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Short, stable content hash of any JSON-like value (16 hex chars = 64 bits). */
export function contentHash(value: unknown, length = 16): string {
  return sha256Hex(stableStringify(value)).slice(0, length);
}

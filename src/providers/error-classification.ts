import type { ErrorClass, ModelFailure } from "../core/types.js";

/**
 * Turning whatever a server, an SDK or the network threw into one of the eight error
 * classes. The runner decides retries from the class alone, so the mapping lives in one
 * place and every provider uses it.
 */

/** Server messages are cut so a huge HTML error page cannot flood a journal line. */
const MAX_DETAIL_CHARS = 500;

const CONTEXT_TOO_LONG =
  /context[ _-]?length|context window|maximum context|too many tokens|(prompt|input)( is)? too long|too long for|reduce the length|max_tokens.*exceed|exceeds? .*(limit|context)/i;
const CONTENT_FILTERED =
  /content[ _-]?filter|content management policy|responsible ai|safety system|guardrail/i;

/** Node/undici error codes that mean "never got an answer from that host". */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNABORTED",
  "ERR_HTTP2_STREAM_ERROR",
  "ERR_HTTP2_SESSION_ERROR",
  "ERR_HTTP2_GOAWAY_SESSION",
  "ERR_HTTP2_INVALID_SESSION",
  "ERR_HTTP2_STREAM_CANCEL",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "ESOCKETTIMEDOUT", "UND_ERR_HEADERS_TIMEOUT"]);

export function looksLikeContextTooLong(text: string): boolean {
  return CONTEXT_TOO_LONG.test(text);
}

export function looksLikeContentFiltered(text: string): boolean {
  return CONTENT_FILTERED.test(text);
}

/**
 * Class of an HTTP error status. `detail` (code + message from the body) separates content
 * filtering and context overflow from ordinary bad requests, which arrive with the same
 * 400 on every OpenAI-compatible server.
 */
export function classifyHttpStatus(status: number, detail: string): ErrorClass {
  if (status === 429) return "rate_limited";
  if (status === 408) return "timeout";
  if (status >= 500) return "server";
  if (status === 401 || status === 403) return "auth";
  if (status === 413) return "context_too_long";
  if (looksLikeContentFiltered(detail)) return "content_filtered";
  if (looksLikeContextTooLong(detail)) return "context_too_long";
  return "bad_request";
}

type HeaderSource =
  | Headers
  | Record<string, string | string[] | number | undefined>
  | null
  | undefined;

function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === "function") {
    return (headers as Headers).get(name) ?? undefined;
  }
  const record = headers as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (key.toLowerCase() !== name) continue;
    if (Array.isArray(value)) return value[0] === undefined ? undefined : String(value[0]);
    return value === undefined ? undefined : String(value);
  }
  return undefined;
}

/**
 * How long the server asked us to wait: `retry-after-ms` (milliseconds, OpenAI/Azure),
 * else `retry-after` as seconds or an HTTP-date. Undefined when absent or unreadable, so
 * the runner falls back to its own backoff rather than to a made-up number.
 */
export function parseRetryAfterMs(
  headers: HeaderSource,
  now: number = Date.now(),
): number | undefined {
  const ms = readHeader(headers, "retry-after-ms");
  if (ms !== undefined && ms.trim() !== "") {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const after = readHeader(headers, "retry-after")?.trim();
  if (!after) return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Math.round(Number(after) * 1000);
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export function requestIdFromHeaders(headers: HeaderSource): string | undefined {
  return (
    readHeader(headers, "x-request-id") ??
    readHeader(headers, "x-amzn-requestid") ??
    readHeader(headers, "apim-request-id")
  );
}

/** Walks `cause` chains: fetch wraps the socket error that says what actually happened. */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    const errno = (current as { errno?: unknown }).errno;
    if (typeof errno === "string") codes.push(errno);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

function errorMessages(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const message = (current as { message?: unknown }).message;
    if (typeof message === "string" && message && !parts.includes(message)) parts.push(message);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(": ");
}

/**
 * Class of an error thrown below HTTP (no status): socket, DNS, TLS, timeouts. Returns
 * undefined when the error is not recognisably a network failure.
 */
export function classifyNetworkError(error: unknown): ErrorClass | undefined {
  const codes = errorCodes(error);
  if (codes.some((code) => TIMEOUT_CODES.has(code))) return "timeout";
  if (codes.some((code) => CONNECTION_CODES.has(code))) return "connection";
  // A body cut mid-JSON ("Unterminated string…") is the server's fault, not the network's.
  if (error instanceof SyntaxError) return undefined;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "TimeoutError") return "timeout";
  const text = errorMessages(error);
  if (/socket hang up|other side closed|\bterminated\b|fetch failed|ECONN/i.test(text)) {
    return "connection";
  }
  return undefined;
}

/** A short description of a thrown error with its causes, for failure messages. */
export function describeError(error: unknown): string {
  const text = errorMessages(error) || String(error);
  const codes = errorCodes(error).filter((code) => !text.includes(code));
  return truncateDetail(codes.length > 0 ? `${text} (${codes.join(", ")})` : text);
}

export function truncateDetail(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_DETAIL_CHARS ? `${flat.slice(0, MAX_DETAIL_CHARS)}…` : flat;
}

/** What a failed attempt produced, before the provider adds latency and scrubs secrets. */
export interface FailureParts {
  errorClass: ErrorClass;
  message: string;
  status?: number;
  retryAfterMs?: number;
  requestId?: string;
}

export function buildFailure(parts: FailureParts, latencyMs: number): ModelFailure {
  const failure: ModelFailure = {
    ok: false,
    errorClass: parts.errorClass,
    message: parts.message,
    latencyMs,
    requestId: parts.requestId,
  };
  if (parts.status !== undefined) failure.status = parts.status;
  if (parts.retryAfterMs !== undefined) failure.retryAfterMs = parts.retryAfterMs;
  return failure;
}

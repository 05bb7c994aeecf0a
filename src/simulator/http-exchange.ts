import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type Http2ServerRequest,
  type Http2ServerResponse,
  constants as http2Constants,
} from "node:http2";

/**
 * One HTTP request/response pair, the same for HTTP/1.1 and HTTP/2 (the http2 compatibility
 * API mirrors node:http), plus the few things every protocol handler needs.
 */
export interface Exchange {
  req: IncomingMessage | Http2ServerRequest;
  res: ServerResponse | Http2ServerResponse;
  path: string;
  query: URLSearchParams;
  body: string;
  /** performance.now() when the request arrived. */
  startedAt: number;
  /** The client went away before we answered; nothing more may be written. */
  gone: boolean;
}

export type Headers = Record<string, string | number>;

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export function createExchange(
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
): Exchange {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const exchange: Exchange = {
    req,
    res,
    path: q < 0 ? url : url.slice(0, q),
    query: new URLSearchParams(q < 0 ? "" : url.slice(q + 1)),
    body: "",
    startedAt: performance.now(),
    gone: false,
  };
  res.on("close", () => {
    if (!res.writableFinished) exchange.gone = true;
  });
  return exchange;
}

/** Resolves with the body text, or undefined when it is larger than any real request. */
export function readBody(exchange: Exchange): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    exchange.req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    exchange.req.on("end", () => {
      resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString("utf8"));
    });
    exchange.req.on("error", reject);
  });
}

export function header(exchange: Exchange, name: string): string | undefined {
  const value = exchange.req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function sendText(
  exchange: Exchange,
  status: number,
  contentType: string,
  text: string,
  headers: Headers = {},
): void {
  const { res } = exchange;
  if (exchange.gone || res.headersSent) return;
  res.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendJson(
  exchange: Exchange,
  status: number,
  body: unknown,
  headers: Headers = {},
): void {
  sendText(exchange, status, "application/json", JSON.stringify(body), headers);
}

/** Drops the connection without an answer: HTTP/1.1 closes the socket, HTTP/2 resets the stream. */
export function resetConnection(exchange: Exchange): void {
  const { req } = exchange;
  if ("stream" in req) req.stream.close(http2Constants.NGHTTP2_INTERNAL_ERROR);
  else req.socket.destroy();
}

/** Retry-After in whole seconds (the HTTP form) and the more precise retry-after-ms. */
export function retryAfterHeaders(retryAfterMs: number | undefined): Headers {
  if (retryAfterMs === undefined) return {};
  return {
    "retry-after": String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
    "retry-after-ms": String(Math.round(retryAfterMs)),
  };
}

import http, { type IncomingMessage, type ServerResponse } from "node:http";
import http2, { type Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import type { AddressInfo } from "node:net";

/**
 * A purpose-built endpoint on 127.0.0.1 for tests that need exact bodies, headers and
 * faults: it stands in for vLLM, Azure, Bedrock or a gateway. Every request is recorded so
 * tests can count attempts (no SDK retries) and inspect what was sent.
 */

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  httpVersion: string;
}

export type StubResponse = ServerResponse | Http2ServerResponse;
export type StubHandler = (
  request: RecordedRequest,
  response: StubResponse,
) => void | Promise<void>;

export interface StubServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Replace the handler between tests. */
  handle(handler: StubHandler): void;
  close(): Promise<void>;
}

export async function startStubServer(options: { http2?: boolean } = {}): Promise<StubServer> {
  const requests: RecordedRequest[] = [];
  let server: http.Server | http2.Http2Server;
  let handler: StubHandler = (_req, res) => {
    res.statusCode = 500;
    res.end("no handler");
  };
  const onRequest = (req: IncomingMessage | Http2ServerRequest, res: StubResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(req.headers)) {
        if (typeof value === "string") headers[key] = value;
        else if (Array.isArray(value)) headers[key] = value.join(", ");
      }
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers,
        body: Buffer.concat(chunks).toString("utf8"),
        httpVersion: req.httpVersion,
      };
      requests.push(recorded);
      void Promise.resolve(handler(recorded, res)).catch((error: unknown) => {
        res.statusCode = 599;
        res.end(String(error));
      });
    });
  };

  const stub = (port: number, close: () => void): StubServer => ({
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    handle: (next) => {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        close();
        server.close(() => resolve());
      }),
  });

  if (options.http2) {
    const h2 = http2.createServer(onRequest);
    const sessions = new Set<http2.ServerHttp2Session>();
    h2.on("session", (session) => {
      sessions.add(session);
      session.on("close", () => sessions.delete(session));
    });
    server = h2;
    return stub(await listen(h2), () => {
      for (const session of sessions) session.destroy();
    });
  }
  const h1 = http.createServer(onRequest);
  server = h1;
  return stub(await listen(h1), () => h1.closeAllConnections());
}

async function listen(server: http.Server | http2.Http2Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: bound once, then released. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function sendJson(
  res: StubResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  for (const [key, value] of Object.entries(headers)) res.setHeader(key, value);
  res.end(JSON.stringify(body));
}

/** A chat completion whose one choice says `content`, as vLLM answers. */
export function sendCompletion(res: StubResponse, content: string): void {
  sendJson(res, 200, {
    id: "cmpl-1",
    object: "chat.completion",
    created: 0,
    model: "stub",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  });
}

/** Drops the connection without an answer (HTTP/1.1 socket destroy, HTTP/2 stream reset). */
export function resetConnection(res: StubResponse): void {
  if ("stream" in res) {
    res.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
  } else {
    res.socket?.destroy();
  }
}

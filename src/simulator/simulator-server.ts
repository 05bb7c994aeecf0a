import http, { type IncomingMessage, type ServerResponse } from "node:http";
import http2, {
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from "node:http2";
import net, { type AddressInfo, type Socket } from "node:net";
import type { AnswerKeyEntry } from "./answer-key.js";
import { handleConverse } from "./bedrock-protocol.js";
import { type GatewaySetup, handleGatewayPrompt } from "./gateway-protocol.js";
import { createExchange, type Exchange, readBody, sendJson } from "./http-exchange.js";
import { handleChatCompletions } from "./openai-protocol.js";
import type { ParsedSimulatorProfile } from "./profile-schema.js";
import { SimulatorCore } from "./simulator-core.js";
import type { SimulatorStats } from "./simulator-stats.js";

/**
 * One TCP port, two HTTP versions: the first bytes of each connection decide whether it is
 * HTTP/2 with prior knowledge (the Bedrock SDK's default handler) or HTTP/1.1 (everything
 * else), and the socket is handed to the matching node server.
 */

const H2_PREFACE = Buffer.from("PRI * HTTP/2.0");

export interface ServerSetup {
  host: string;
  port: number;
  profile: ParsedSimulatorProfile;
  answerKey: readonly AnswerKeyEntry[];
  aliases: Record<string, string>;
  judgeAliases: Record<string, string>;
  gateway: GatewaySetup;
}

export interface RunningSimulator {
  url: string;
  port: number;
  close(): Promise<void>;
  stats(): SimulatorStats;
}

const AZURE = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;
const CONVERSE = /^\/model\/([^/]+)\/converse$/;
const GATEWAY = /^\/v([12])\/prompts\/(.+)$/;

async function route(
  core: SimulatorCore,
  gateway: GatewaySetup,
  exchange: Exchange,
): Promise<void> {
  const { path } = exchange;
  if (exchange.req.method !== "POST") {
    sendJson(exchange, 405, {
      error: {
        message: `Method ${exchange.req.method} not allowed; the simulator only serves POST.`,
        type: "invalid_request_error",
      },
    });
    return core.recordUnrouted("4xx");
  }
  const body = await readBody(exchange);
  if (body === undefined) {
    sendJson(exchange, 413, {
      error: { message: "Request body too large.", type: "invalid_request_error" },
    });
    return core.recordUnrouted("4xx");
  }
  exchange.body = body;
  if (path === "/v1/chat/completions" || path === "/chat/completions") {
    core.countRoute("openai");
    return handleChatCompletions(core, exchange);
  }
  let m = AZURE.exec(path);
  if (m) {
    core.countRoute("azure");
    return handleChatCompletions(core, exchange, decodeURIComponent(m[1]!));
  }
  m = CONVERSE.exec(path);
  if (m) {
    core.countRoute("bedrock");
    return handleConverse(core, exchange, m[1]!);
  }
  m = GATEWAY.exec(path);
  if (m) {
    const version = m[1] === "1" ? 1 : 2;
    core.countRoute(version === 1 ? "gateway_v1" : "gateway_v2");
    const promptId = m[2]!.split("/").map(decodeURIComponent).join("/");
    return handleGatewayPrompt(core, gateway, exchange, version, promptId);
  }
  sendJson(exchange, 404, {
    error: {
      message: `No route for POST ${path}.`,
      type: "invalid_request_error",
      code: "not_found",
    },
    detail: "Not Found",
  });
  core.recordUnrouted("4xx");
}

function isHttp2Preface(chunk: Buffer): boolean {
  const n = Math.min(chunk.length, H2_PREFACE.length);
  return chunk.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
}

export async function listen(setup: ServerSetup): Promise<RunningSimulator> {
  const core = new SimulatorCore(setup.profile, setup.answerKey, setup.aliases, setup.judgeAliases);
  const handler = (
    req: IncomingMessage | Http2ServerRequest,
    res: ServerResponse | Http2ServerResponse,
  ) => {
    const exchange = createExchange(req, res);
    route(core, setup.gateway, exchange).catch((err: unknown) => {
      // A bug in the simulator must surface to the client, not hang it.
      sendJson(exchange, 500, {
        error: {
          message: `simulator bug: ${(err as Error)?.message ?? String(err)}`,
          type: "server_error",
        },
      });
    });
  };
  const h1 = http.createServer({ keepAlive: true, keepAliveTimeout: 30_000 }, handler);
  const h2 = http2.createServer({}, handler);
  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();
  h2.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.setNoDelay(true);
    socket.once("readable", function peek() {
      const chunk: Buffer | null = socket.read();
      if (chunk === null) {
        socket.once("readable", peek);
        return;
      }
      socket.unshift(chunk);
      const version = isHttp2Preface(chunk) ? "http2" : "http1";
      core.countConnection(version);
      (version === "http2" ? h2 : h1).emit("connection", socket);
    });
    socket.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(setup.port, setup.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = setup.host.includes(":") ? `[${setup.host}]` : setup.host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    stats: () => core.stats(),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        core.close();
        server.close(() => resolve());
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
        h1.close();
        h2.close();
      });
      return closed;
    },
  };
}

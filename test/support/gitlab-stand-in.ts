/**
 * A local stand-in for the parts of GitLab's REST API v4 that `--post-mr-note` uses: listing a
 * merge request's notes (with GitLab's page headers), creating one and updating one, behind
 * GitLab's auth rules as they apply to notes: no or an unknown token → 401, a token without
 * the `api` scope or below Reporter → 403 on writes, an unknown project or MR → 404. It
 * speaks plain HTTP on 127.0.0.1 so the real `fetch` in evalgate talks to it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface StandInToken {
  scopes: ("api" | "read_api")[];
  role: "guest" | "reporter" | "developer" | "maintainer";
}

export interface StandInNote {
  id: number;
  body: string;
  system: boolean;
  author: { username: string };
  created_at: string;
  updated_at: string;
}

export interface StandInRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  token: string | undefined;
}

export interface GitLabStandIn {
  /** The API v4 base, as CI_API_V4_URL gives it. */
  apiUrl: string;
  /** Notes of project `projectId` (as configured), MR `iid`. */
  notes(projectId: string, iid: number): StandInNote[];
  requests: StandInRequest[];
  close(): Promise<void>;
}

export interface StandInOptions {
  /** Project id → its path (`group/name`) and its MR iids with any notes they start with. */
  projects: Record<string, { path: string; mergeRequests: Record<number, string[]> }>;
  tokens: Record<string, StandInToken>;
}

function send(res: ServerResponse, status: number, body: unknown, headers = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startGitLabStandIn(options: StandInOptions): Promise<GitLabStandIn> {
  let nextId = 1000;
  const requests: StandInRequest[] = [];
  const store = new Map<string, StandInNote[]>(); // `${projectId}!${iid}`
  const now = () => new Date(Date.UTC(2026, 0, 1, 0, 0, nextId)).toISOString();
  for (const [id, project] of Object.entries(options.projects)) {
    for (const [iid, bodies] of Object.entries(project.mergeRequests)) {
      store.set(
        `${id}!${iid}`,
        bodies.map((body) => ({
          id: nextId++,
          body,
          system: body.startsWith("system:"),
          author: { username: "someone" },
          created_at: now(),
          updated_at: now(),
        })),
      );
    }
  }
  const projectIdFor = (segment: string) =>
    Object.entries(options.projects).find(([id, p]) => id === segment || p.path === segment)?.[0];

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const token = req.headers["private-token"] as string | undefined;
    requests.push({
      method: req.method ?? "",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      token,
    });
    const body = await readBody(req);
    const grant = token === undefined ? undefined : options.tokens[token];
    if (!grant) return send(res, 401, { message: "401 Unauthorized" });
    // The raw path keeps %2F, as GitLab requires for a project path in one segment.
    const raw = (req.url ?? "").split("?")[0] ?? "";
    const m = /^\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes(?:\/(\d+))?$/.exec(raw);
    if (!m) return send(res, 404, { error: "404 Not Found" });
    const projectId = projectIdFor(decodeURIComponent(m[1] as string));
    if (!projectId) return send(res, 404, { message: "404 Project Not Found" });
    const notes = store.get(`${projectId}!${m[2]}`);
    if (!notes) return send(res, 404, { message: "404 Not found" });
    const writes = req.method === "POST" || req.method === "PUT";
    if (writes && (!grant.scopes.includes("api") || grant.role === "guest")) {
      return send(res, 403, {
        error: "insufficient_scope",
        message: "403 Forbidden",
      });
    }
    if (req.method === "GET" && !m[3]) {
      const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? 20));
      const page = Number(url.searchParams.get("page") ?? 1);
      const ordered = url.searchParams.get("sort") === "asc" ? [...notes] : [...notes].reverse();
      const slice = ordered.slice((page - 1) * perPage, page * perPage);
      const totalPages = Math.max(1, Math.ceil(notes.length / perPage));
      return send(res, 200, slice, {
        "x-page": String(page),
        "x-per-page": String(perPage),
        "x-total": String(notes.length),
        "x-total-pages": String(totalPages),
        "x-next-page": page < totalPages ? String(page + 1) : "",
      });
    }
    let text: string | undefined;
    try {
      text = (JSON.parse(body) as { body?: unknown }).body as string | undefined;
    } catch {
      return send(res, 400, { error: "body is invalid JSON" });
    }
    if (typeof text !== "string" || text === "") {
      return send(res, 400, { error: "body is missing" });
    }
    if (req.method === "POST" && !m[3]) {
      const note: StandInNote = {
        id: nextId++,
        body: text,
        system: false,
        author: { username: "project_1_bot" },
        created_at: now(),
        updated_at: now(),
      };
      notes.push(note);
      return send(res, 201, note);
    }
    if (req.method === "PUT" && m[3]) {
      const note = notes.find((n) => n.id === Number(m[3]));
      if (!note) return send(res, 404, { message: "404 Note Not Found" });
      note.body = text;
      note.updated_at = now();
      return send(res, 200, note);
    }
    return send(res, 405, { error: "405 Method Not Allowed" });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/v4`,
    notes: (projectId, iid) => store.get(`${projectId}!${iid}`) ?? [],
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

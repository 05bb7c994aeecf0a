/**
 * Posts a run's summary.md as a merge-request note through GitLab's REST API v4, or updates
 * the one note evalgate posted before (found by a hidden marker), so that every pipeline of
 * an MR edits a single note instead of adding one per push.
 *
 * Endpoints (https://docs.gitlab.com/api/notes/#merge-requests):
 *   GET  /projects/:id/merge_requests/:iid/notes?per_page=100&page=N   (x-next-page header)
 *   POST /projects/:id/merge_requests/:iid/notes            {body}
 *   PUT  /projects/:id/merge_requests/:iid/notes/:note_id   {body}
 */
import { UserError } from "../core/errors.js";

/** The hidden line that marks evalgate's note; summary.md carries it, and it is added if not. */
export const MR_NOTE_MARKER = "<!-- evalgate:summary -->";

/** Below GitLab's note limit (1,000,000 characters) with room for the marker. */
const NOTE_LIMIT = 1_000_000;

export interface MergeRequestTarget {
  /** CI_API_V4_URL, e.g. https://gitlab.example.com/api/v4 */
  apiUrl: string;
  /** CI_PROJECT_ID: a numeric id or a `group/project` path. */
  projectId: string;
  /** CI_MERGE_REQUEST_IID: the MR number shown as !N. */
  mergeRequestIid: string;
  token: string;
  /** Name of the variable the token came from, for messages. */
  tokenEnv: string;
}

export interface PostedNote {
  action: "created" | "updated";
  noteId: number;
}

/** The note's text: summary.md with the marker first, so the next pipeline finds it. */
export function mrNoteBody(summaryMarkdown: string): string {
  const body = summaryMarkdown.includes(MR_NOTE_MARKER)
    ? summaryMarkdown
    : `${MR_NOTE_MARKER}\n${summaryMarkdown}`;
  if (body.length > NOTE_LIMIT) {
    throw new UserError(
      `summary.md has ${body.length} characters, more than GitLab's note limit of ${NOTE_LIMIT}; rebuild it with \`evalgate report DIR\``,
    );
  }
  return body;
}

/**
 * Where to post, from flags first and GitLab CI's predefined variables second. The token is
 * read only from the variable named by --token-env; it is never printed.
 */
export function mergeRequestTarget(
  flags: { apiUrl?: string; projectId?: string; mergeRequestIid?: string; tokenEnv?: string },
  env: NodeJS.ProcessEnv,
): MergeRequestTarget {
  const tokenEnv = flags.tokenEnv ?? "EVALGATE_GITLAB_TOKEN";
  const apiUrl = flags.apiUrl ?? env["CI_API_V4_URL"];
  const projectId = flags.projectId ?? env["CI_PROJECT_ID"];
  const mergeRequestIid = flags.mergeRequestIid ?? env["CI_MERGE_REQUEST_IID"];
  const missing = [
    apiUrl ? "" : "--gitlab-url URL (or CI_API_V4_URL)",
    projectId ? "" : "--project ID (or CI_PROJECT_ID)",
    mergeRequestIid
      ? ""
      : "--merge-request IID (or CI_MERGE_REQUEST_IID, set only in merge-request pipelines)",
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new UserError(`--post-mr-note needs ${missing.join(", ")}`);
  }
  const token = env[tokenEnv];
  if (!token) {
    throw new UserError(
      `--post-mr-note needs a GitLab token in ${tokenEnv}: create a project access token with the \`api\` scope and the Reporter role (Settings → Access tokens) and add it as a masked CI/CD variable named ${tokenEnv}. CI_JOB_TOKEN cannot post merge-request notes. Another variable: --token-env NAME`,
    );
  }
  if (!/^\d+$/.test(mergeRequestIid as string)) {
    throw new UserError(
      `the merge request IID must be a number (the N of !N), got "${mergeRequestIid}"`,
    );
  }
  return {
    apiUrl: (apiUrl as string).replace(/\/+$/, ""),
    projectId: projectId as string,
    mergeRequestIid: mergeRequestIid as string,
    token,
    tokenEnv,
  };
}

interface GitLabNote {
  id: number;
  body: string;
  system?: boolean;
}

function notesUrl(target: MergeRequestTarget): string {
  // A project path (group/project) must be URL-encoded as one segment.
  return `${target.apiUrl}/projects/${encodeURIComponent(target.projectId)}/merge_requests/${target.mergeRequestIid}/notes`;
}

function failure(target: MergeRequestTarget, status: number, what: string, text: string): never {
  const where = `project ${target.projectId}, merge request !${target.mergeRequestIid} at ${target.apiUrl}`;
  if (status === 401) {
    throw new UserError(
      `GitLab refused the token in ${target.tokenEnv} (401 Unauthorized): it is invalid, expired or revoked; create a new project access token and update the CI/CD variable`,
    );
  }
  if (status === 403) {
    throw new UserError(
      `GitLab refused to ${what} (403 Forbidden) on ${where}: the token in ${target.tokenEnv} needs the \`api\` scope and at least the Reporter role in the project`,
    );
  }
  if (status === 404) {
    throw new UserError(
      `GitLab found no project ${target.projectId} or no merge request !${target.mergeRequestIid} in it (404 Not Found, ${target.apiUrl}); check CI_PROJECT_ID / --project and CI_MERGE_REQUEST_IID / --merge-request, and that the token's project can see it`,
    );
  }
  const detail = text.trim().slice(0, 300);
  throw new UserError(
    `GitLab answered ${status} to ${what} on ${where}${detail ? `: ${detail}` : ""}`,
  );
}

async function request(
  target: MergeRequestTarget,
  what: string,
  url: string,
  init: { method: string; body?: string },
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: {
        "PRIVATE-TOKEN": target.token,
        accept: "application/json",
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new UserError(
      `cannot reach GitLab at ${target.apiUrl} (${reason}) to ${what}; check CI_API_V4_URL / --gitlab-url`,
    );
  }
  if (!response.ok) failure(target, response.status, what, await response.text());
  return response;
}

/** The oldest non-system note carrying the marker, following x-next-page. */
export async function findMarkedNote(target: MergeRequestTarget): Promise<GitLabNote | undefined> {
  let page = "1";
  // A guard against a server that never stops paging; 1,000 pages is 100,000 notes.
  for (let pages = 0; page && pages < 1000; pages++) {
    const url = `${notesUrl(target)}?per_page=100&page=${page}&sort=asc&order_by=created_at`;
    const response = await request(target, "list the merge request's notes", url, {
      method: "GET",
    });
    const notes = (await response.json()) as GitLabNote[];
    const found = notes.find((n) => !n.system && n.body.includes(MR_NOTE_MARKER));
    if (found) return found;
    page = response.headers.get("x-next-page") ?? "";
  }
  return undefined;
}

/** Creates the note, or updates the one already marked. */
export async function postMergeRequestNote(
  target: MergeRequestTarget,
  summaryMarkdown: string,
): Promise<PostedNote> {
  const body = JSON.stringify({ body: mrNoteBody(summaryMarkdown) });
  const existing = await findMarkedNote(target);
  const response = existing
    ? await request(target, "update the evalgate note", `${notesUrl(target)}/${existing.id}`, {
        method: "PUT",
        body,
      })
    : await request(target, "post a note", notesUrl(target), { method: "POST", body });
  const note = (await response.json()) as GitLabNote;
  return {
    action: existing ? "updated" : "created",
    noteId: note.id,
  };
}

/**
 * `evalgate report DIR --post-mr-note` against a local stand-in of GitLab's notes API: the
 * first call creates the note, the next finds it by its marker (past a page of other notes)
 * and updates it; a missing token, 401, 403, 404 and an unreachable host each exit 2 with a
 * message that says what to fix, and never print the token.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MR_NOTE_MARKER, mrNoteBody } from "../../src/cli/gitlab-notes.js";
import { type GitLabStandIn, startGitLabStandIn } from "../support/gitlab-stand-in.js";
import {
  cleanEnv,
  closedPort,
  runInProcess,
  STACK_FRAME,
  type TempDir,
  tempDir,
  writeRunConfig,
} from "./run-test-support.js";

const TOKEN = "glpat-reporter-api-0123456789";
let temp: TempDir;
let gitlab: GitLabStandIn;

function ciEnv(extra: NodeJS.ProcessEnv = {}) {
  return cleanEnv({
    CI_API_V4_URL: gitlab.apiUrl,
    CI_PROJECT_ID: "42",
    CI_MERGE_REQUEST_IID: "7",
    EVALGATE_GITLAB_TOKEN: TOKEN,
    ...extra,
  });
}

async function report(argv: string[], env: NodeJS.ProcessEnv) {
  const r = await runInProcess(["report", "run", ...argv], temp.dir, env);
  expect(r.err).not.toMatch(STACK_FRAME);
  expect(r.out + r.err).not.toContain(TOKEN);
  return r;
}

beforeAll(async () => {
  temp = await tempDir();
  const entry = await writeRunConfig(temp.dir, {
    suites:
      "  small:\n    features: [generate_commit_message]\n    models: [mistral-7b-vllm]\n    limit: 3\n",
  });
  const run = await runInProcess(
    ["run", "--config", entry, "--simulate", "--no-cache", "--quiet", "--out", "run"],
    temp.dir,
  );
  expect(run.code).toBe(0);
  gitlab = await startGitLabStandIn({
    projects: {
      "42": {
        path: "group/app",
        // 120 notes before evalgate's: the first page (100) does not hold the marker.
        mergeRequests: {
          7: Array.from({ length: 120 }, (_, i) =>
            i % 10 === 0 ? `system: added ${i} commits` : `review comment ${i}`,
          ),
          8: [],
          9: [],
        },
      },
    },
    tokens: {
      [TOKEN]: { scopes: ["api"], role: "reporter" },
      "glpat-read-only": { scopes: ["read_api"], role: "reporter" },
      "glpat-guest": { scopes: ["api"], role: "guest" },
    },
  });
}, 60_000);
afterAll(async () => {
  await gitlab?.close();
  await temp?.cleanup();
});

describe("evalgate report --post-mr-note", () => {
  it("creates the note once, then updates the same note", async () => {
    const summary = readFileSync(temp.path("run", "summary.md"), "utf8");
    const first = await report(["--post-mr-note"], ciEnv());
    expect(first.code).toBe(0);
    const notes = () => gitlab.notes("42", 7).filter((n) => n.body.includes(MR_NOTE_MARKER));
    expect(notes()).toHaveLength(1);
    const created = notes()[0]!;
    expect(first.out).toContain(
      `created the evalgate note (id ${created.id}) on merge request !7 of project 42\n`,
    );
    expect(created.body).toBe(mrNoteBody(summary));
    expect(created.body.startsWith(`${MR_NOTE_MARKER}\n`) || summary.includes(MR_NOTE_MARKER)).toBe(
      true,
    );
    const posts = gitlab.requests.filter((r) => r.method === "POST");
    expect(posts).toHaveLength(1);
    expect(posts[0]!.token).toBe(TOKEN);
    // It paged: page 1 and page 2 of 100 (GitLab's maximum page size).
    expect(
      gitlab.requests
        .filter((r) => r.method === "GET")
        .map((r) => [r.query.page, r.query.per_page]),
    ).toEqual([
      ["1", "100"],
      ["2", "100"],
    ]);

    gitlab.requests.length = 0;
    const second = await report(["--post-mr-note"], ciEnv());
    expect(second.code).toBe(0);
    expect(second.out).toContain(
      `updated the evalgate note (id ${created.id}) on merge request !7`,
    );
    expect(notes()).toHaveLength(1);
    expect(gitlab.notes("42", 7)).toHaveLength(121);
    expect(gitlab.requests.map((r) => r.method)).toEqual(["GET", "GET", "PUT"]);
    expect(gitlab.requests[2]!.path).toBe(
      `/api/v4/projects/42/merge_requests/7/notes/${created.id}`,
    );
  });

  it("takes the project as a path and the target from flags", async () => {
    const r = await report(
      [
        "--post-mr-note",
        "--gitlab-url",
        `${gitlab.apiUrl}/`,
        "--project",
        "group/app",
        "--merge-request",
        "8",
        "--token-env",
        "MY_TOKEN",
      ],
      cleanEnv({ MY_TOKEN: TOKEN }),
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain("created the evalgate note");
    expect(gitlab.notes("42", 8)).toHaveLength(1);
    expect(gitlab.requests.at(-1)!.path).toBe(
      "/api/v4/projects/group%2Fapp/merge_requests/8/notes",
    );
  });

  it("says which token to create when the variable is unset", async () => {
    const r = await report(["--post-mr-note"], ciEnv({ EVALGATE_GITLAB_TOKEN: undefined }));
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "evalgate report: --post-mr-note needs a GitLab token in EVALGATE_GITLAB_TOKEN: create a project access token with the `api` scope and the Reporter role (Settings → Access tokens) and add it as a masked CI/CD variable named EVALGATE_GITLAB_TOKEN. CI_JOB_TOKEN cannot post merge-request notes. Another variable: --token-env NAME\n",
    );
  });

  it("names what is missing outside a merge-request pipeline", async () => {
    const r = await report(["--post-mr-note"], ciEnv({ CI_MERGE_REQUEST_IID: undefined }));
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "evalgate report: --post-mr-note needs --merge-request IID (or CI_MERGE_REQUEST_IID, set only in merge-request pipelines)\n",
    );
  });

  it("explains 401, 403 and 404", async () => {
    const bad = await report(["--post-mr-note"], ciEnv({ EVALGATE_GITLAB_TOKEN: "glpat-expired" }));
    expect(bad.code).toBe(2);
    expect(bad.err).toBe(
      "evalgate report: GitLab refused the token in EVALGATE_GITLAB_TOKEN (401 Unauthorized): it is invalid, expired or revoked; create a new project access token and update the CI/CD variable\n",
    );
    for (const token of ["glpat-read-only", "glpat-guest"]) {
      const r = await report(
        ["--post-mr-note", "--merge-request", "9"],
        ciEnv({ EVALGATE_GITLAB_TOKEN: token }),
      );
      expect(r.code).toBe(2);
      expect(r.err).toContain(
        "GitLab refused to post a note (403 Forbidden) on project 42, merge request !9 at ",
      );
      expect(r.err).toContain(
        "the token in EVALGATE_GITLAB_TOKEN needs the `api` scope and at least the Reporter role in the project\n",
      );
    }
    const mr = await report(["--post-mr-note"], ciEnv({ CI_MERGE_REQUEST_IID: "99" }));
    expect(mr.code).toBe(2);
    expect(mr.err).toBe(
      `evalgate report: GitLab found no project 42 or no merge request !99 in it (404 Not Found, ${gitlab.apiUrl}); check CI_PROJECT_ID / --project and CI_MERGE_REQUEST_IID / --merge-request, and that the token's project can see it\n`,
    );
    const project = await report(["--post-mr-note"], ciEnv({ CI_PROJECT_ID: "group/other" }));
    expect(project.code).toBe(2);
    expect(project.err).toContain("GitLab found no project group/other or no merge request !7");
  });

  it("says when GitLab cannot be reached", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/v4`;
    const r = await report(["--post-mr-note"], ciEnv({ CI_API_V4_URL: url }));
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `evalgate report: cannot reach GitLab at ${url} (ECONNREFUSED) to list the merge request's notes; check CI_API_V4_URL / --gitlab-url\n`,
    );
  });

  it("keeps a marker summary.md already carries, and adds it otherwise", () => {
    expect(mrNoteBody("# evalgate\n")).toBe(`${MR_NOTE_MARKER}\n# evalgate\n`);
    expect(mrNoteBody(`# evalgate\n${MR_NOTE_MARKER}\n`)).toBe(`# evalgate\n${MR_NOTE_MARKER}\n`);
  });
});

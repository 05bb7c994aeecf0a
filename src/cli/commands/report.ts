import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { ExitCode } from "../../core/errors.js";
import {
  renderVerdictTable,
  runExitCode,
  SUMMARY_MARKDOWN_FILE,
  writeRunReports,
} from "../../reports/index.js";
import { type Command, displayPath, JSON_FLAG, parseCommandArgs, printJson } from "../command.js";
import { mergeRequestTarget, postMergeRequestNote } from "../gitlab-notes.js";
import { paintVerdicts } from "../terminal-colour.js";

const usage = `evalgate report [DIR] [--baseline-dir DIR] [--json] [--post-mr-note] [--token-env NAME]
                [--gitlab-url URL] [--project ID] [--merge-request IID]`;

const options = {
  "baseline-dir": { type: "string" },
  json: { type: "boolean" },
  "post-mr-note": { type: "boolean" },
  "token-env": { type: "string" },
  "gitlab-url": { type: "string" },
  project: { type: "string" },
  "merge-request": { type: "string" },
} as const;

export const reportCommand: Command = {
  name: "report",
  summary:
    "rebuild a run folder's reports (run.json summary, summary.md, junit.xml, …) from its journal",
  usage,
  flags: [
    ["DIR", "the run folder to report (default reports/latest)"],
    [
      "--baseline-dir DIR",
      "a run folder to compare with: summary.md shows each pair's rate and verdict before → after, the Code Quality report flags regressions",
    ],
    JSON_FLAG,
    ["--post-mr-note", "post summary.md as a merge-request note, or update the note posted before"],
    [
      "--token-env NAME",
      "variable holding a GitLab project access token (default EVALGATE_GITLAB_TOKEN)",
    ],
    ["--gitlab-url URL", "GitLab API v4 URL (default CI_API_V4_URL)"],
    ["--project ID", "project id or path (default CI_PROJECT_ID)"],
    ["--merge-request IID", "merge request number (default CI_MERGE_REQUEST_IID)"],
  ],
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      { name: "report", usage },
      argv,
      options,
      true,
    );
    const dir = resolve(io.cwd, positionals[0] ?? "reports/latest");
    // Resolve the target before any work, so a missing token fails fast and changes nothing.
    const target = values["post-mr-note"]
      ? mergeRequestTarget(
          {
            ...(values["gitlab-url"] ? { apiUrl: values["gitlab-url"] } : {}),
            ...(values.project ? { projectId: values.project } : {}),
            ...(values["merge-request"] ? { mergeRequestIid: values["merge-request"] } : {}),
            ...(values["token-env"] ? { tokenEnv: values["token-env"] } : {}),
          },
          io.env,
        )
      : undefined;
    const baselineDir = values["baseline-dir"];
    const report = await writeRunReports(dir, {
      cwd: io.cwd,
      ...(baselineDir !== undefined ? { baselineDir: resolve(io.cwd, baselineDir) } : {}),
    });
    const summaryFile = resolve(dir, SUMMARY_MARKDOWN_FILE);
    const code = !report.complete ? ExitCode.incomplete : runExitCode(report.outcome);
    if (values.json) {
      printJson(io, {
        outDir: dir,
        exitCode: code,
        complete: report.complete,
        summary: summaryFile,
        gate: report.gateOutcome,
        entries: report.entries,
      });
    } else {
      const table = renderVerdictTable(report.entries);
      io.out(io.colour ? paintVerdicts(table) : table);
      io.out(`\nreport: ${displayPath(io.cwd, summaryFile)}\n`);
    }
    if (target) {
      const posted = await postMergeRequestNote(target, await readFile(summaryFile, "utf8"));
      // stdout, unless it holds the JSON document.
      (values.json ? io.err : io.out)(
        `${posted.action} the evalgate note (id ${posted.noteId}) on merge request !${target.mergeRequestIid} of project ${target.projectId}\n`,
      );
    }
    if (code === ExitCode.incomplete) {
      // Exit 3 alone does not say why; the missing cells and the way to finish them do.
      const missing = report.entries.reduce((n, e) => n + e.missing, 0);
      io.err(
        `evalgate report: the run in ${displayPath(io.cwd, dir)} is incomplete (${missing} planned cell(s) have no record, e.g. it was interrupted); finish it with: evalgate run --resume ${displayPath(io.cwd, dir)}\n`,
      );
    }
    return code;
  },
};

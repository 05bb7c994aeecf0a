import { readFile } from "node:fs/promises";
import { relative, resolve } from "node:path";
import { ExitCode } from "../../core/errors.js";
import { renderVerdictTable, SUMMARY_MARKDOWN_FILE, writeRunReports } from "../../reports/index.js";
import { type Command, parseCommandArgs } from "../command.js";
import { mergeRequestTarget, postMergeRequestNote } from "../gitlab-notes.js";

const usage = `evalgate report [DIR] [--post-mr-note] [--token-env NAME] [--gitlab-url URL]
                [--project ID] [--merge-request IID]

  DIR                      run folder (default reports/latest)
  --post-mr-note           post summary.md as a merge-request note, or update the note posted before
  --token-env NAME         variable holding a GitLab project access token (default EVALGATE_GITLAB_TOKEN)
  --gitlab-url URL         GitLab API v4 URL (default CI_API_V4_URL)
  --project ID             project id or path (default CI_PROJECT_ID)
  --merge-request IID      merge request number (default CI_MERGE_REQUEST_IID)`;

const options = {
  "post-mr-note": { type: "boolean" },
  "token-env": { type: "string" },
  "gitlab-url": { type: "string" },
  project: { type: "string" },
  "merge-request": { type: "string" },
} as const;

export const reportCommand: Command = {
  name: "report",
  summary: "rebuild a run folder's reports (run.json summary, summary.md) from its journal",
  usage,
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
    const report = await writeRunReports(dir);
    io.out(renderVerdictTable(report.entries));
    const summaryFile = resolve(dir, SUMMARY_MARKDOWN_FILE);
    io.out(`\nreport: ${relative(io.cwd, summaryFile)}\n`);
    if (target) {
      const posted = await postMergeRequestNote(target, await readFile(summaryFile, "utf8"));
      io.out(
        `${posted.action} the evalgate note (id ${posted.noteId}) on merge request !${target.mergeRequestIid} of project ${target.projectId}\n`,
      );
    }
    if (!report.complete) return ExitCode.incomplete;
    return report.gateOutcome.failed ? ExitCode.gateFailed : ExitCode.ok;
  },
};

import { relative, resolve } from "node:path";
import { ExitCode, UserError } from "../../core/errors.js";
import { escapeControl } from "../../core/terminal-text.js";
import {
  loadRunFolder,
  renderCompareTable,
  renderPairwiseSummary,
  writeCompareReports,
} from "../../reports/index.js";
import { checkCacheDir, DEFAULT_CACHE_DIR } from "../../runner/index.js";
import { compareRuns, type RunComparison } from "../../scoring/index.js";
import { type Command, parseCommandArgs } from "../command.js";
import { addPairwiseJudging } from "../pairwise-judging.js";

const usage = `evalgate compare BASE CAND --out DIR [--base-model NAME] [--cand-model NAME]
                 [--features a,b] [--tolerance POINTS] [--confidence C]
                 [--pairwise [--config FILE] [--judge MODEL] [--simulate] [--simulate-profile FILE]
                             [--no-cache] [--cache-dir DIR]]
                 [--quiet]

  BASE, CAND                two run folders (evalgate run --out) over the same examples
  --out DIR                 where compare.md, compare.html and compare.json go
  --base-model NAME         the baseline model to compare, when BASE holds several per feature
  --cand-model NAME         the candidate model, when CAND holds several per feature
  --features a,b            only these features (default: every feature both runs hold)
  --tolerance POINTS        a drop counts as a regression only when the paired interval lies wholly
                            below -POINTS percentage points (default 0: any significant drop)
  --confidence C            confidence of the paired intervals (default 0.95)
  --pairwise                also ask a judge to compare the two answers of each pair, in both orders
  --config FILE             configuration whose judge and datasets --pairwise uses (default: the one
                            recorded in CAND/run.json)
  --judge MODEL             judge model for --pairwise (a catalog name; default: the suite's judge)
  --simulate                --pairwise: the judge is answered by the built-in simulator
  --simulate-profile FILE   simulator profile for --simulate (e.g. a judge's pairwise_position_bias)
  --no-cache                neither read nor write the response cache
  --cache-dir DIR           response cache folder (default .evalgate-cache)
  --quiet                   print only the table

--pairwise judge calls go through the same limits, retries and response cache as evalgate run's.

exit codes: 0 no feature regressed, 1 a feature regressed beyond the tolerance, 2 bad input,
3 --pairwise judged no pair of a feature because its judge calls failed`;

const options = {
  out: { type: "string" },
  "base-model": { type: "string" },
  "cand-model": { type: "string" },
  features: { type: "string" },
  tolerance: { type: "string" },
  confidence: { type: "string" },
  pairwise: { type: "boolean" },
  config: { type: "string" },
  judge: { type: "string" },
  simulate: { type: "boolean" },
  "simulate-profile": { type: "string" },
  "no-cache": { type: "boolean" },
  "cache-dir": { type: "string" },
  quiet: { type: "boolean" },
} as const;

function points(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new UserError(
      `--tolerance takes percentage points between 0 and 100 (5 allows a 5-point drop), got "${text}"`,
    );
  }
  return n / 100;
}

function confidenceOf(text: string | undefined): number {
  if (text === undefined) return 0.95;
  const n = Number(text);
  if (!(n > 0 && n < 1)) {
    throw new UserError(`--confidence takes a number between 0 and 1 (e.g. 0.95), got "${text}"`);
  }
  return n;
}

/** Printed under the table: what the exit code means for this comparison. */
export function comparisonConclusion(comparison: RunComparison): string {
  const regressed = comparison.features.filter((f) => f.regressed);
  if (regressed.length === 0) return "no feature regressed beyond its tolerance";
  return `regressed: ${regressed
    .map(
      (f) =>
        `${f.feature} (${f.base.model} → ${f.cand.model}, ${f.regressions.length} example(s) pass→fail)`,
    )
    .join(", ")}`;
}

/**
 * When a feature got no pairwise verdict at all because its judge calls failed (the endpoint
 * is down, every call answered 503), the comparison is incomplete: exit 3, as `run` does when
 * a judge cannot be reached, with the judge, its endpoint and what to do.
 */
function unjudgeableMessage(
  comparison: RunComparison,
  rel: string,
  noCache: boolean,
): string | undefined {
  const lost = comparison.features.filter(
    (f) => f.pairwise && f.pairwise.judged === 0 && f.pairwise.failed > 0,
  );
  if (lost.length === 0) return undefined;
  const first = lost[0]!.pairwise!.unjudged.find((u) => u.outcome === "failed")!;
  const replay = noCache ? "" : " (judge answers that succeeded are replayed from the cache)";
  return `evalgate compare: --pairwise judged no pair of ${lost.map((f) => f.feature).join(", ")}: the judge calls failed after retries (first: ${escapeControl(first.reason)}); ${rel}/compare.md has the comparison without those verdicts. Fix the judge endpoint, then run the comparison again${replay}\n`;
}

export const compareCommand: Command = {
  name: "compare",
  summary: "pair two runs example by example: did the candidate model regress, how sure, where",
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      { name: "compare", usage },
      argv,
      options,
      true,
    );
    if (positionals.length !== 2) {
      throw new UserError(
        `name exactly two run folders, BASE and CAND\nusage: ${usage.split("\n\n")[0]}`,
      );
    }
    if (!values.out) throw new UserError(`--out DIR is required\nusage: ${usage.split("\n\n")[0]}`);
    const pairwiseOnly = [
      "config",
      "judge",
      "simulate",
      "simulate-profile",
      "no-cache",
      "cache-dir",
    ] as const;
    for (const flag of pairwiseOnly) {
      if (values[flag] !== undefined && !values.pairwise) {
        throw new UserError(
          `--${flag} only applies with --pairwise; add --pairwise or drop --${flag}`,
        );
      }
    }
    const tolerance = points(values.tolerance);
    const [baseDir, candDir] = positionals.map((p) => resolve(io.cwd, p)) as [string, string];
    const base = await loadRunFolder(baseDir);
    const cand = await loadRunFolder(candDir);
    const features = values.features
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const comparison = compareRuns(
      { ...base, dir: relative(io.cwd, baseDir) || "." },
      { ...cand, dir: relative(io.cwd, candDir) || "." },
      {
        ...(values["base-model"] ? { baseModel: values["base-model"] } : {}),
        ...(values["cand-model"] ? { candModel: values["cand-model"] } : {}),
        ...(features && features.length > 0 ? { features } : {}),
        toleranceFor: () => tolerance,
        confidence: confidenceOf(values.confidence),
      },
    );
    if (values.pairwise) {
      const cache = {
        enabled: values["no-cache"] !== true,
        cwd: io.cwd,
        ...(values["cache-dir"] ? { dir: values["cache-dir"] } : {}),
      };
      // A bad --cache-dir is a usage error before any judge call.
      if (cache.enabled) checkCacheDir(resolve(io.cwd, cache.dir ?? DEFAULT_CACHE_DIR));
      await addPairwiseJudging(comparison, base, cand, {
        cache,
        cwd: io.cwd,
        env: io.env,
        ...(values.config ? { config: values.config } : {}),
        ...(values.judge ? { judge: values.judge } : {}),
        simulate: values.simulate === true || values["simulate-profile"] !== undefined,
        ...(values["simulate-profile"] ? { simulateProfile: values["simulate-profile"] } : {}),
      });
    }
    for (const w of comparison.warnings) io.err(`evalgate compare: warning: ${w}\n`);
    const outDir = resolve(io.cwd, values.out);
    await writeCompareReports(outDir, comparison);
    io.out(renderCompareTable(comparison));
    const rel = relative(io.cwd, outDir) || ".";
    if (!values.quiet) {
      io.out(
        `\n${comparisonConclusion(comparison)}\nreport: ${rel}/compare.md · ${rel}/compare.html · ${rel}/compare.json\n`,
      );
      const pairwise = renderPairwiseSummary(comparison);
      if (pairwise) io.out(`${pairwise}`);
    }
    const unjudged = unjudgeableMessage(comparison, rel, values["no-cache"] === true);
    if (unjudged) {
      io.err(unjudged);
      return ExitCode.incomplete;
    }
    return comparison.regressed ? ExitCode.gateFailed : ExitCode.ok;
  },
};

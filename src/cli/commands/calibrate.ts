import { mkdir, writeFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { buildCatalog } from "../../catalog/index.js";
import { didYouMean, loadConfig, resolveSuite } from "../../config/index.js";
import { ExitCode, UserError } from "../../core/errors.js";
import { readLabelFile } from "../../datasets/index.js";
import { evaluatorFromYaml } from "../../judges/index.js";
import { calibrationPassed, renderCalibrationTable } from "../../reports/index.js";
import { calibrationPanel } from "../../runner/index.js";
import { type Command, parseCommandArgs } from "../command.js";
import { calibrate } from "../judge-checks.js";
import { defaultProfileFile, startSimulatedEndpoints } from "../simulated-endpoints.js";

const usage = `evalgate calibrate --evaluator NAME [--labels FILE] [--config FILE] [--suite NAME]
                   [--out DIR] [--simulate] [--simulate-profile FILE] [--no-cache] [--cache-dir DIR]

  --evaluator NAME         the evaluator whose judge (or jury) to check (evaluators/<NAME>.yaml)
  --labels FILE            human-labelled responses, .jsonl or .csv (default: the evaluator's calibration.labels)
  --config FILE            entry configuration (default config/evalgate.yaml)
  --suite NAME             whose judge grades when the evaluator names none (default: default_suite)
  --out DIR                where calibration.json goes (default reports/calibration-<NAME>)
  --simulate               judges answered by the built-in simulator
  --simulate-profile FILE  simulator profile; implies --simulate
  --no-cache               neither read nor write the response cache
  --cache-dir DIR          response cache folder (default .evalgate-cache)

Prints judge–human agreement (quadratic-weighted κ, ordinal α, κ on the pass decision, exact
and within-one agreement, the confusion matrix) and human–human agreement with several raters.
exit codes: 0 ok, 1 below the evaluator's calibration.min_agreement, 2 usage or configuration error`;

const options = {
  evaluator: { type: "string" },
  labels: { type: "string" },
  config: { type: "string" },
  suite: { type: "string" },
  out: { type: "string" },
  simulate: { type: "boolean" },
  "simulate-profile": { type: "string" },
  "no-cache": { type: "boolean" },
  "cache-dir": { type: "string" },
} as const;

/** A path relative to the working directory when it is inside it, else absolute. */
function shown(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}

export const calibrateCommand: Command = {
  name: "calibrate",
  summary: "check an evaluator's judge against human labels (κ, α, confusion matrix)",
  usage,
  async run(argv, io) {
    const { values } = parseCommandArgs({ name: "calibrate", usage }, argv, options);
    if (values.evaluator === undefined) {
      throw new UserError("calibrate needs --evaluator NAME (an evaluator file's name)");
    }
    const config = await loadConfig(resolve(io.cwd, values.config ?? "config/evalgate.yaml"));
    const suite = resolveSuite(config, values.suite);
    const loaded = config.evaluators.get(values.evaluator);
    if (!loaded) {
      const known = [...config.evaluators.keys()];
      throw new UserError(
        `unknown evaluator "${values.evaluator}"${didYouMean(values.evaluator, known)}; known: ${known.join(", ")}`,
      );
    }
    const evaluator = evaluatorFromYaml(loaded);
    const labelsFile =
      values.labels !== undefined ? resolve(io.cwd, values.labels) : evaluator.calibration?.labels;
    if (labelsFile === undefined) {
      throw new UserError(
        `evaluator "${evaluator.name}" has no calibration: labels; pass --labels FILE or add calibration: { labels: FILE } to ${loaded.file}`,
      );
    }
    const catalog = buildCatalog(config);
    const panel = calibrationPanel(evaluator, suite.judge, catalog);
    const labels = await readLabelFile(labelsFile);
    const features = [...catalog.features.values()];
    const feature = features.find((f) => f.evaluator === evaluator.name);
    const simulated =
      values.simulate === true || values["simulate-profile"] !== undefined
        ? await startSimulatedEndpoints(
            config,
            { catalog, features: feature ? [feature] : [], limit: undefined },
            values["simulate-profile"] !== undefined
              ? resolve(io.cwd, values["simulate-profile"])
              : defaultProfileFile(config),
            io.env,
          )
        : undefined;
    let result: Awaited<ReturnType<typeof calibrate>>;
    try {
      result = await calibrate(evaluator, panel, labels, feature?.id ?? evaluator.name, {
        env: simulated?.env ?? io.env,
        cache: {
          enabled: values["no-cache"] !== true,
          cwd: io.cwd,
          ...(values["cache-dir"] ? { dir: values["cache-dir"] } : {}),
        },
        ...(simulated
          ? { reachModel: simulated.reachModel, simulation: simulated.simulation }
          : {}),
      });
    } finally {
      await simulated?.simulator.close();
    }
    const shownLabels = shown(io.cwd, labelsFile);
    const minAgreement = evaluator.calibration?.minAgreement;
    io.out(
      renderCalibrationTable(result.agreement, {
        evaluator: evaluator.name,
        judge: panel.name,
        labelsFile: shownLabels,
        raters: labels.raters,
        responses: labels.responses.length,
        minAgreement,
      }),
    );
    const outDir = resolve(io.cwd, values.out ?? join("reports", `calibration-${evaluator.name}`));
    await mkdir(outDir, { recursive: true });
    const file = join(outDir, "calibration.json");
    const passed = calibrationPassed(result.agreement, minAgreement);
    await writeFile(
      file,
      `${JSON.stringify(
        {
          evaluator: evaluator.name,
          judge: panel.name,
          ...(panel.aggregation ? { aggregation: panel.aggregation } : {}),
          labels: shownLabels,
          raters: labels.raters,
          createdAt: new Date().toISOString(),
          minAgreement: minAgreement ?? null,
          statistic: "quadraticKappa",
          passed: passed ?? null,
          agreement: result.agreement,
          responses: labels.responses.map((r, i) => ({
            id: r.id,
            ratings: r.ratings,
            judge: result.judgements[i]!.score,
            ...(result.judgements[i]!.judges ? { judges: result.judgements[i]!.judges } : {}),
            ...(result.judgements[i]!.reason ? { reason: result.judgements[i]!.reason } : {}),
          })),
        },
        null,
        2,
      )}\n`,
    );
    io.out(`\ncalibration: ${shown(io.cwd, file)}\n`);
    return passed === false ? ExitCode.gateFailed : ExitCode.ok;
  },
};

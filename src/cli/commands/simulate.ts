import { existsSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { checkCatalog } from "../../catalog/index.js";
import { checkConfig, findConfigFile } from "../../config/index.js";
import { ExitCode, UserError, UserErrors } from "../../core/errors.js";
import {
  type AnswerKeyEntry,
  loadAnswerKey,
  loadSimulatorProfile,
  type SimulatorOptions,
  type SimulatorProfile,
  simulatorNamesFromCatalog,
  startSimulator,
} from "../../simulator/index.js";
import { type CliIO, type Command, parseCommandArgs } from "../command.js";

const USAGE =
  "evalgate simulate [--port N] [--host 127.0.0.1] [--profile FILE] [--config FILE] [--definitions DIR] [--dataset [FEATURE=]FILE ...]";

function parsePort(text: string | undefined): number {
  if (text === undefined) return 8080;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UserError(
      `--port must be a whole number from 0 to 65535 (0 picks a free port), got "${text}"`,
    );
  }
  return port;
}

/** `feature=path` names the feature; a bare path uses the file name (code_generations.jsonl). */
function datasetArg(arg: string, cwd: string): [string, string] {
  const eq = arg.indexOf("=");
  if (eq > 0 && !existsSync(resolve(cwd, arg)))
    return [arg.slice(0, eq), resolve(cwd, arg.slice(eq + 1))];
  const file = resolve(cwd, arg);
  return [basename(file, extname(file)), file];
}

/** The simulator serves without a config (every model middling), so none found is no error. */
function optionalConfigFile(cwd: string, given: string | undefined): string | undefined {
  try {
    return findConfigFile(cwd, given);
  } catch (err) {
    if (given === undefined && err instanceof UserError) return undefined;
    throw err;
  }
}

/** Stops on SIGINT/SIGTERM; the listeners are removed so repeated in-process runs do not leak. */
function untilSignal(): Promise<string> {
  return new Promise((done) => {
    const stop = (signal: string) => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      done(signal);
    };
    const onInt = () => stop("SIGINT");
    const onTerm = () => stop("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
  });
}

export const simulate: Command = {
  name: "simulate",
  summary:
    "serve simulated OpenAI, Azure, Bedrock and AI gateway endpoints locally (offline demos and tests)",
  usage: USAGE,
  flags: [
    ["--port N", "port to listen on (default 8080; 0 picks a free one)"],
    ["--host ADDR", "address to listen on (default 127.0.0.1)"],
    [
      "--profile FILE",
      "simulator profile: quality, latency, faults, limits (default config/simulator-profile.yaml)",
    ],
    [
      "--config FILE",
      "entry configuration whose models the simulator answers as (default config/evalgate.yaml)",
    ],
    ["--definitions DIR", "prompt definitions for the gateway routes (default: the config's)"],
    [
      "--dataset [FEATURE=]FILE",
      "answer key: lets simulated models answer close to its references (repeatable)",
    ],
  ],
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs({ name: "simulate", usage: USAGE }, argv, {
      port: { type: "string" },
      host: { type: "string" },
      profile: { type: "string" },
      config: { type: "string" },
      definitions: { type: "string" },
      dataset: { type: "string", multiple: true },
    });
    const options: SimulatorOptions = {
      host: values.host ?? "127.0.0.1",
      port: parsePort(values.port),
    };
    const notes: string[] = [];

    const configFile = optionalConfigFile(io.cwd, values.config);
    // As `run --simulate` does: the profile beside the entry file, unless one is named.
    const besideConfig =
      configFile === undefined ? undefined : join(dirname(configFile), "simulator-profile.yaml");
    const profileFile =
      values.profile ?? (besideConfig && existsSync(besideConfig) ? besideConfig : undefined);
    let profile: SimulatorProfile = {};
    if (profileFile !== undefined) {
      profile = await loadSimulatorProfile(resolve(io.cwd, profileFile));
      options.profile = profile;
      notes.push(`profile: ${profileFile} (${Object.keys(profile.models ?? {}).length} models)`);
    } else notes.push("profile: none (every model is middling, quality 0.6)");

    // The catalog tells the simulator which catalog model a served name means, the family
    // chains for gateway rendering, and (unless --dataset is given) the features' datasets.
    let datasets: [string, string][] = (values.dataset ?? []).map((d) => datasetArg(d, io.cwd));
    if (configFile !== undefined) {
      // Lenient on purpose: a missing evaluator must not stop the simulator from serving.
      const { config, problems } = await checkConfig(resolve(io.cwd, configFile));
      if (config === undefined)
        throw problems.length === 1 ? problems[0]! : new UserErrors(problems);
      const { catalog } = checkCatalog(config);
      const { models } = catalog;
      const names = simulatorNamesFromCatalog(models.values(), (name) => catalog.roleOf(name));
      options.aliases = names.aliases;
      options.judgeAliases = names.judgeAliases;
      options.families = names.families;
      options.definitionsDir = config.definitionsDir;
      options.gatewayVersion = config.gatewayVersion;
      if (datasets.length === 0) {
        const all = [...config.datasetFiles.entries()];
        datasets = all.filter(([, file]) => existsSync(file));
        if (datasets.length < all.length)
          notes.push(`skipped ${all.length - datasets.length} missing dataset file(s)`);
      }
      notes.push(`config: ${configFile} (${models.size} catalog models)`);
    }
    if (values.definitions !== undefined)
      options.definitionsDir = resolve(io.cwd, values.definitions);
    const answerKey: AnswerKeyEntry[] = await loadAnswerKey(datasets);
    options.answerKey = answerKey;
    notes.push(`answer key: ${answerKey.length} examples from ${datasets.length} dataset(s)`);

    let simulator: Awaited<ReturnType<typeof startSimulator>>;
    try {
      simulator = await startSimulator(options);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EADDRINUSE") {
        throw new UserError(
          `port ${options.port} is in use; pick another with --port (0 picks a free one)`,
        );
      }
      if (code === "EADDRNOTAVAIL" || code === "EACCES") {
        throw new UserError(
          `cannot listen on ${options.host}:${options.port} (${code}); pick another --host or --port`,
        );
      }
      throw err;
    }
    const stopped = untilSignal();
    const { url } = simulator;
    io.out(
      [
        `evalgate simulator listening on ${url}`,
        ...notes.map((n) => `  ${n}`),
        `  OpenAI-compatible  POST ${url}/v1/chat/completions   (model = served name)`,
        `  Azure OpenAI       POST ${url}/openai/deployments/{deployment}/chat/completions?api-version=…`,
        `  Bedrock Converse   POST ${url}/model/{modelId}/converse   (HTTP/1.1 and HTTP/2 cleartext)`,
        `  AI gateway         POST ${url}/v2/prompts/{prompt_id}  and  /v1/prompts/{prompt_id}${options.definitionsDir ? "" : "   (no definitions: every prompt is 404)"}`,
        "Press Ctrl-C to stop.",
        "",
      ].join("\n"),
    );
    const signal = await stopped;
    await simulator.close();
    const stats = simulator.stats();
    io.out(`${signal}: stopped after ${stats.requests} request(s)\n`);
    return ExitCode.ok;
  },
};

/**
 * `bench/template-parity.ts --definitions DIR`: does evalgate render every latest definition
 * of a gateway definitions tree exactly as the gateway's environment does?
 *
 * For every prompt id × family, the highest version (stable ones first) is rendered with three
 * kinds of sample inputs (src/prompts sampleInputsFor: strings, loop-objects, with-history) by
 * evalgate through the registry, and by scripts/gateway-render.py (the gateway's environment in
 * Python, one process for all jobs). Message lists are compared exactly, with the same security
 * suffix on both sides; refusals count as agreeing when both refuse for the same reason class.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import {
  type PromptRegistry,
  parseVersion,
  type ResolvedDefinition,
  SAMPLE_INPUT_KINDS,
  type SampleInputKind,
  sampleInputsFor,
} from "../../src/prompts/index.js";
import {
  compareOutcomes,
  describeDifference,
  type EvalgateOutcome,
  GATEWAY_VERSIONS,
  type GatewayJob,
  type GatewayVersion,
  loadRegistryFor,
  type Outcome,
  PARITY_SUFFIX,
  renderWithEvalgate,
  type Verdict,
} from "../../test/fixtures/gateway/gateway-comparison.js";

const SCRIPT = resolve(import.meta.dirname, "..", "..", "scripts", "gateway-render.py");
const VERDICTS: Verdict[] = [
  "equal",
  "differ",
  "both-refused",
  "only-evalgate-refused",
  "only-gateway-refused",
];

interface Latest {
  promptId: string;
  family: string;
  version: string;
  file: string;
}

/** The definition the gateway serves by default: the highest stable version, else the highest. */
function latestDefinitions(registry: PromptRegistry): Latest[] {
  return registry.list().flatMap((prompt) =>
    prompt.families.map((family) => {
      const stable = family.versions.filter((v) => parseVersion(v)?.pre === undefined);
      const version = (stable.length > 0 ? stable : family.versions).at(-1)!;
      const index = family.versions.indexOf(version);
      return {
        promptId: prompt.promptId,
        family: family.family,
        version,
        file: family.files[index]!,
      };
    }),
  );
}

/**
 * Sample inputs come from the templates, so they are built even for a definition evalgate
 * refuses to load (its YAML read leniently here): the gateway side still gets fair inputs.
 */
function inputsFor(
  registry: PromptRegistry,
  latest: Latest,
  kind: SampleInputKind,
): Record<string, unknown> {
  let resolved: ResolvedDefinition;
  try {
    resolved = registry.resolve(latest.promptId, [latest.family], `==${latest.version}`);
  } catch {
    const raw = parseYaml(readFileSync(join(registry.root, latest.file), "utf8"), {
      version: "1.1",
    }) as { prompt_template?: unknown } | null;
    resolved = {
      ...latest,
      definition: { prompt_template: raw?.prompt_template ?? {} },
    } as unknown as ResolvedDefinition;
  }
  try {
    return sampleInputsFor(registry.root, resolved, kind);
  } catch {
    return {}; // evalgate's parser refuses the template; the comparison shows it
  }
}

/** A reason without positions and quoted specifics, so like failures group together. */
function category(gateway: Outcome, evalgate: EvalgateOutcome, verdict: Verdict): string {
  const generic = (text: string) =>
    text
      .replace(/^\S+\.ya?ml(:\d+)*: /, "")
      .replace(/\(template line \d+[^)]*\)/g, "")
      .replace(/"[^"]*"|'[^']*'/g, "…")
      .replace(/\(given: [^)]*\)/, "")
      .split("\n")[0]!
      .slice(0, 110);
  if ("error" in evalgate && verdict !== "differ")
    return `evalgate refuses at ${evalgate.error.stage}: ${generic(evalgate.error.message)}`;
  if ("error" in gateway && "error" in evalgate)
    return `both refuse, differently: gateway ${gateway.error.type}, evalgate ${evalgate.error.refusal}`;
  if ("error" in gateway)
    return `only the gateway refuses: ${gateway.error.type}: ${generic(gateway.error.message)}`;
  if ("error" in evalgate) return `only evalgate refuses: ${generic(evalgate.error.message)}`;
  const [g, e] = [gateway.messages, evalgate.messages];
  const tail = g.slice(e.length);
  if (tail.length > 0 && tail.every((m) => m.content.startsWith("<history: ")))
    return "the history input is not appended by evalgate";
  if (g.length !== e.length || g.some((m, i) => m.role !== e[i]?.role))
    return `message roles differ: gateway ${g.map((m) => m.role).join(",")} vs evalgate ${e.map((m) => m.role).join(",")}`;
  if (g[0]?.content.includes(PARITY_SUFFIX) && !e[0]?.content.includes(PARITY_SUFFIX))
    return "security block missing from evalgate's first system message";
  return "message content differs";
}

interface Row {
  latest: Latest;
  kind: SampleInputKind;
  gateway: Outcome;
  evalgate: EvalgateOutcome;
  verdict: Verdict;
}

export async function runDefinitionsParity(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      definitions: { type: "string" },
      "gateway-version": { type: "string", default: "current" },
      show: { type: "string", default: "10" },
      python: { type: "string", default: "python3" },
    },
  });
  const dir = resolve(values.definitions!);
  const version = values["gateway-version"] as GatewayVersion;
  if (!GATEWAY_VERSIONS.includes(version))
    throw new Error(`--gateway-version must be one of ${GATEWAY_VERSIONS.join(", ")}`);
  const started = performance.now();
  const registry = await loadRegistryFor(dir, version);
  const latest = latestDefinitions(registry);
  const jobs: (GatewayJob & { latest: Latest; kind: SampleInputKind })[] = latest.flatMap((l) =>
    SAMPLE_INPUT_KINDS.map((kind) => ({
      latest: l,
      kind,
      definition: l.file,
      inputs: inputsFor(registry, l, kind),
      suffix: PARITY_SUFFIX,
    })),
  );
  const evalgateStarted = performance.now();
  const evalgate = jobs.map((job) => renderWithEvalgate(registry, job));
  const evalgateSeconds = (performance.now() - evalgateStarted) / 1000;

  const work = mkdtempSync(join(tmpdir(), "evalgate-parity-"));
  let gateway: Outcome[];
  const pythonStarted = performance.now();
  try {
    const jobsFile = join(work, "jobs.json");
    writeFileSync(
      jobsFile,
      JSON.stringify(
        jobs.map(({ definition, inputs, suffix }) => ({ definition, inputs, suffix })),
      ),
    );
    const out = join(work, "out.json");
    execFileSync(
      values.python!,
      [SCRIPT, "--root", dir, "--jobs", jobsFile, "--out", out, "--gateway-version", version],
      {
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
    gateway = JSON.parse(readFileSync(out, "utf8")) as Outcome[];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const pythonSeconds = (performance.now() - pythonStarted) / 1000;

  const rows: Row[] = jobs.map((job, i) => ({
    latest: job.latest,
    kind: job.kind,
    gateway: gateway[i]!,
    evalgate: evalgate[i]!,
    verdict: compareOutcomes(gateway[i]!, evalgate[i]!),
  }));
  report(rows, dir, version, Number(values.show), {
    total: (performance.now() - started) / 1000,
    evalgate: evalgateSeconds,
    python: pythonSeconds,
  });
}

function report(
  rows: Row[],
  dir: string,
  version: GatewayVersion,
  show: number,
  seconds: { total: number; evalgate: number; python: number },
): void {
  const definitions = rows.length / SAMPLE_INPUT_KINDS.length;
  console.log(`Gateway parity on ${dir} (gateway_version ${version})`);
  console.log(`  ${definitions} latest definitions × ${SAMPLE_INPUT_KINDS.length} input kinds\n`);
  const header = ["input kind".padEnd(14), ...VERDICTS.map((v) => v.padStart(22))].join("");
  console.log(`  ${header}`);
  for (const kind of SAMPLE_INPUT_KINDS) {
    const of = rows.filter((r) => r.kind === kind);
    const cells = VERDICTS.map((v) =>
      String(of.filter((r) => r.verdict === v).length).padStart(22),
    );
    console.log(`  ${kind.padEnd(14)}${cells.join("")}`);
  }
  const failing = rows.filter((r) => r.verdict !== "equal" && r.verdict !== "both-refused");
  const categories = new Map<string, Set<string>>();
  for (const r of failing) {
    const key = category(r.gateway, r.evalgate, r.verdict);
    categories.set(key, (categories.get(key) ?? new Set()).add(r.latest.file));
  }
  if (categories.size > 0) {
    console.log("\n  Why, by category (definitions affected in any input kind):");
    for (const [key, files] of [...categories].sort((a, b) => b[1].size - a[1].size))
      console.log(`  ${String(files.size).padStart(5)}  ${key}`);
  }
  const firstPerDefinition = new Map<string, Row[]>();
  for (const r of failing)
    firstPerDefinition.set(r.latest.file, [...(firstPerDefinition.get(r.latest.file) ?? []), r]);
  if (show > 0 && failing.length > 0) {
    const listed = [...firstPerDefinition].slice(0, show);
    console.log(
      `\n  First ${listed.length} of ${firstPerDefinition.size} definition(s) with a difference:`,
    );
    for (const [file, [first, ...others]] of listed) {
      const kinds = [first!, ...others].map((r) => `${r.kind} ${r.verdict}`).join(", ");
      console.log(`  - ${file} (${kinds})`);
      const detail = describeDifference(first!.gateway, first!.evalgate)
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => !line.startsWith("- "))
        .map((line) => (line.length > 200 ? `${line.slice(0, 200)}…` : line));
      for (const line of detail) console.log(`      ${line}`);
    }
  }
  const agreeing = (kind: SampleInputKind) =>
    rows.filter((r) => r.kind === kind && (r.verdict === "equal" || r.verdict === "both-refused"))
      .length;
  const perKind = SAMPLE_INPUT_KINDS.map((k) => `${k} ${agreeing(k)}/${definitions}`).join(", ");
  console.log(
    `\n  evalgate ${seconds.evalgate.toFixed(2)} s, gateway-render.py ${seconds.python.toFixed(2)} s, total ${seconds.total.toFixed(2)} s`,
  );
  console.log(
    `PARITY ${failing.length === 0 ? "COMPLETE" : "INCOMPLETE"}: agree (equal or refused alike) ${perKind}; ${failing.length} of ${rows.length} render(s) differ`,
  );
}

/**
 * Why evalgate has its own Jinja engine: run the parity corpus (test/fixtures/jinja, expected
 * outputs from Python Jinja2 3.1 in the gateway's environment of today and in its environment
 * before 2026-02-06) through three JS engines and count exact matches, then measure render
 * throughput on a realistic prompt.
 *
 *   npx tsx bench/template-parity.ts
 *   npx tsx bench/template-parity.ts --definitions <gateway>/ai_gateway/prompts/definitions \
 *     [--gateway-version current|2026-03|2026-02|2026-01] [--show N]
 *
 * With --definitions it measures something else: parity of every latest definition of a real
 * gateway tree with the gateway's environment (bench/support/definitions-parity.ts).
 *
 * Engines: (a) evalgate (src/prompts/jinja; its "gateway" sandbox against today's results, its
 * "legacy" one against the older ones), (b) nunjucks with autoescape off,
 * Python-like `split`/`parse_json`/`map`/`selectattr` filters added and one trailing newline
 * stripped from every source, (c) @huggingface/jinja, which has no includes (literal include paths
 * are inlined beforehand; computed ones cannot be) and no custom filters. Neither has a sandbox
 * like the gateway's, so both are counted against both sets of results. An expected error counts
 * as matched when the engine throws; an expected output only when it is identical.
 */
import { Template as HfTemplate } from "@huggingface/jinja";
import nunjucks from "nunjucks";
import {
  gatewayFilters,
  JinjaEnvironment,
  legacyGatewayFilters,
  type SandboxMode,
} from "../src/prompts/jinja/index.js";
import {
  type ExpectedResult,
  loadParityCases,
  MAIN_TEMPLATE,
  type ParityCase,
} from "../test/fixtures/jinja/load-cases.js";

if (process.argv.includes("--definitions")) {
  const { runDefinitionsParity } = await import("./support/definitions-parity.js");
  await runDefinitionsParity(process.argv.slice(2));
  // The corpus benchmark below is a different measurement; stop before it starts.
  process.exit(0);
}

function stripOneNewline(source: string): string {
  return source.endsWith("\n") ? source.slice(0, -1) : source;
}

// --- (a) evalgate -------------------------------------------------------------------------------

function evalgateEngine(
  partials: Record<string, string>,
  sandbox: SandboxMode = "gateway",
): (t: string, c: Record<string, unknown>) => string {
  const env = new JinjaEnvironment({
    loader: (name) => partials[name],
    filters: sandbox === "gateway" ? gatewayFilters : legacyGatewayFilters,
    sandbox,
  });
  return (template, context) => env.renderString(template, context, MAIN_TEMPLATE);
}

// --- (b) nunjucks -------------------------------------------------------------------------------

type Keywords = Record<string, unknown> & { __keywords?: boolean };

function splitKeywords(args: unknown[]): [unknown[], Keywords] {
  const last = args[args.length - 1] as Keywords | undefined;
  if (last && typeof last === "object" && last.__keywords) return [args.slice(0, -1), last];
  return [args, {}];
}

function lookupPath(item: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (v, part) => (v == null ? undefined : (v as Record<string, unknown>)[part]),
      item,
    );
}

const nunjucksTests: Record<string, (v: unknown, arg?: unknown) => boolean> = {
  equalto: (v, a) => v === a,
  eq: (v, a) => v === a,
  "==": (v, a) => v === a,
  defined: (v) => v !== undefined,
  gt: (v, a) => (v as number) > (a as number),
  in: (v, a) => Array.isArray(a) && a.includes(v),
};

function nunjucksEngine(
  partials: Record<string, string>,
): (t: string, c: Record<string, unknown>) => string {
  const loader = {
    getSource(name: string) {
      const src = partials[name];
      return src === undefined ? null : { src: stripOneNewline(src), path: name, noCache: false };
    },
  };
  const env = new nunjucks.Environment(loader as unknown as nunjucks.ILoader, {
    autoescape: false,
  });
  env.addFilter("split", (value: string, sep?: string) =>
    sep == null ? value.trim().split(/\s+/).filter(Boolean) : value.split(sep),
  );
  env.addFilter("parse_json", (value: string) => JSON.parse(value));
  env.addFilter("map", (items: unknown[], ...rest: unknown[]) => {
    const [args, kw] = splitKeywords(rest);
    if (typeof kw.attribute === "string")
      return items.map((i) => lookupPath(i, kw.attribute as string) ?? kw.default);
    const filter = env.getFilter(String(args[0]));
    return items.map((i) => filter(i, ...args.slice(1)));
  });
  env.addFilter("selectattr", (items: unknown[], attribute: string, test?: string, arg?: unknown) =>
    items.filter((i) => {
      const value = lookupPath(i, attribute);
      return test ? (nunjucksTests[test]?.(value, arg) ?? false) : Boolean(value);
    }),
  );
  const compiled = new Map<string, nunjucks.Template>();
  return (template, context) => {
    let main = compiled.get(template);
    if (!main) {
      main = nunjucks.compile(stripOneNewline(template), env);
      compiled.set(template, main);
    }
    return main.render(context);
  };
}

// --- (c) @huggingface/jinja ---------------------------------------------------------------------

const LITERAL_INCLUDE = /\{%(-?)\s*include\s+(['"])([^'"]+)\2\s*(?:ignore\s+missing\s*)?(-?)%\}/g;

/** Inlines `{% include 'literal' %}` (recursively); computed paths stay and fail. */
function inlineIncludes(source: string, partials: Record<string, string>, depth = 0): string {
  if (depth > 10) return source;
  return source.replace(LITERAL_INCLUDE, (whole, left: string, _q, name: string, right: string) => {
    const partial = partials[name];
    if (partial === undefined) return whole;
    const body = inlineIncludes(stripOneNewline(partial), partials, depth + 1);
    // Keep the include's whitespace control by wrapping the inlined text in an empty tag pair.
    return `{%${left} if true %}${body}{% endif ${right}%}`;
  });
}

function hfEngine(
  partials: Record<string, string>,
): (t: string, c: Record<string, unknown>) => string {
  const cache = new Map<string, HfTemplate>();
  return (template, context) => {
    let compiled = cache.get(template);
    if (!compiled) {
      compiled = new HfTemplate(stripOneNewline(inlineIncludes(template, partials)));
      cache.set(template, compiled);
    }
    return compiled.render(context);
  };
}

// nunjucks reports some include failures a second time, asynchronously; the synchronous throw
// already counted the case, so the late copy is only tallied.
let lateNunjucksErrors = 0;
process.on("uncaughtException", (error) => {
  if (String(error).includes("Template render error")) lateNunjucksErrors++;
  else throw error;
});

// --- parity -------------------------------------------------------------------------------------

type Engine = (
  partials: Record<string, string>,
  sandbox: SandboxMode,
) => (t: string, c: Record<string, unknown>) => string;

const ENGINES: Record<string, Engine> = {
  evalgate: evalgateEngine,
  nunjucks: nunjucksEngine,
  "@huggingface/jinja": hfEngine,
};

function matches(
  c: ParityCase,
  expected: ExpectedResult,
  render: (t: string, ctx: Record<string, unknown>) => string,
): boolean {
  try {
    const output = render(c.template, structuredClone(c.context));
    return "output" in expected && output === expected.output;
  } catch {
    return "error" in expected;
  }
}

const cases = loadParityCases();
const ENVIRONMENTS: {
  sandbox: SandboxMode;
  title: string;
  pick: (c: ParityCase) => ExpectedResult;
}[] = [
  { sandbox: "gateway", title: "the gateway today", pick: (c) => c.expected },
  { sandbox: "legacy", title: "the gateway before 2026-02-06", pick: (c) => c.legacyExpected },
];
const parity = ENVIRONMENTS.map(({ sandbox, title, pick }) => ({
  title,
  engines: Object.entries(ENGINES).map(([name, make]) => {
    const failedTopics = new Map<string, number>();
    let matched = 0;
    for (const c of cases) {
      const expected = pick(c);
      // Only evalgate has a render budget: the others would loop for hours.
      const endless = "error" in expected && expected.error.type === "RenderBudgetError";
      if ((name === "evalgate" || !endless) && matches(c, expected, make(c.partials, sandbox)))
        matched++;
      else failedTopics.set(c.topic, (failedTopics.get(c.topic) ?? 0) + 1);
    }
    return { name, matched, failedTopics };
  }),
}));

// --- throughput ---------------------------------------------------------------------------------

const PROMPT_PARTIALS: Record<string, string> = {
  "chat/system.jinja": "You are a senior engineer helping with {{ product }}.\nAnswer precisely.\n",
};
const PROMPT = `{% include 'chat/system.jinja' %}
{%- for file in files %}
<file path="{{ file.path }}" lines="{{ file.lines }}">
{{ file.content }}
</file>{% if not loop.last %},{% endif %}
{%- endfor %}
{%- if language %}
Language: {{ language|upper }}
{%- endif %}
Question: {{ question }}
Tags: {{ tags|join(', ') }}
Paths: {{ files|map(attribute='path')|join(', ') }}
`;

function promptContext(i: number): Record<string, unknown> {
  const files = Array.from({ length: 1 + (i % 4) }, (_, k) => ({
    path: `src/module_${i}/file_${k}.py`,
    lines: 20 + k,
    content: `def handler_${k}(event):\n    return process(event, retries=${k})\n`.repeat(3),
  }));
  return {
    product: "GitLab",
    files,
    language: i % 3 === 0 ? "" : "python",
    question: `Why does handler ${i} retry ${i % 5} times?`,
    tags: ["backend", `team-${i % 7}`, "retries"],
  };
}

const CONTEXTS = Array.from({ length: 200 }, (_, i) => promptContext(i));

function throughput(render: (t: string, c: Record<string, unknown>) => string): number {
  for (let i = 0; i < 500; i++) render(PROMPT, CONTEXTS[i % CONTEXTS.length]!);
  const budgetMs = 1500;
  const start = performance.now();
  let renders = 0;
  while (performance.now() - start < budgetMs) {
    for (let i = 0; i < 100; i++) render(PROMPT, CONTEXTS[(renders + i) % CONTEXTS.length]!);
    renders += 100;
  }
  return renders / ((performance.now() - start) / 1000);
}

const reference = evalgateEngine(PROMPT_PARTIALS);
const speeds = Object.entries(ENGINES).map(([name, make]) => {
  const render = make(PROMPT_PARTIALS, "gateway");
  let sameOutput: boolean;
  try {
    sameOutput = CONTEXTS.slice(0, 20).every((c) => render(PROMPT, c) === reference(PROMPT, c));
  } catch {
    sameOutput = false;
  }
  return { name, perSecond: throughput(render), sameOutput };
});

// --- report -------------------------------------------------------------------------------------

const fastest = Math.max(...speeds.map((s) => s.perSecond));
for (const { title, engines } of parity) {
  console.log(
    `Parity with Python Jinja2 3.1, ${title} (${cases.length} cases; ideal = ${cases.length}/${cases.length})`,
  );
  for (const { name, matched, failedTopics } of engines) {
    const misses = [...failedTopics].map(([topic, n]) => `${topic} ${n}`).join(", ");
    const ratio = ((matched / cases.length) * 100).toFixed(1);
    console.log(
      `  ${name.padEnd(20)} ${String(matched).padStart(3)}/${cases.length}  (${ratio}%)${misses ? `  misses: ${misses}` : ""}`,
    );
  }
}
if (lateNunjucksErrors)
  console.log(`  (nunjucks also re-threw ${lateNunjucksErrors} error(s) asynchronously)`);
console.log(
  "\nThroughput, realistic prompt (include, for/loop.last, if, join, map(attribute=); parsed once)",
);
for (const { name, perSecond, sameOutput } of speeds) {
  const note = sameOutput ? "" : "  (output differs from evalgate's for this prompt)";
  console.log(
    `  ${name.padEnd(20)} ${Math.round(perSecond).toLocaleString("en-US").padStart(9)} renders/s  (${(perSecond / fastest).toFixed(2)}× of fastest)${note}`,
  );
}

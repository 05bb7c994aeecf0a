import type { Tree } from "@lezer/common";
import { parser as javascriptParser } from "@lezer/javascript";
import { parser as pythonParser } from "@lezer/python";

/**
 * Does a response's code parse in the language asked? The first fenced block is parsed with
 * Lezer's grammars (@lezer/javascript, with its TypeScript and JSX dialects, and
 * @lezer/python): incremental, error-tolerant parsers that mark every syntax error with an
 * error node, so a parse never throws and the first error's line can be reported.
 */

type Parser = { parse(input: string): Tree };

const PARSERS: Record<string, () => Parser> = {
  javascript: () => javascriptParser,
  jsx: () => javascriptParser.configure({ dialect: "jsx" }),
  typescript: () => javascriptParser.configure({ dialect: "ts" }),
  tsx: () => javascriptParser.configure({ dialect: "ts jsx" }),
  python: () => pythonParser,
};

const ALIASES: Record<string, string> = {
  js: "javascript",
  javascript: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  node: "javascript",
  jsx: "jsx",
  ts: "typescript",
  typescript: "typescript",
  mts: "typescript",
  tsx: "tsx",
  py: "python",
  python: "python",
  python3: "python",
};

const configured = new Map<string, Parser>();

function parserFor(language: string): Parser | undefined {
  const name = ALIASES[language.toLowerCase()];
  if (name === undefined) return undefined;
  let parser = configured.get(name);
  if (!parser) {
    parser = PARSERS[name]!();
    configured.set(name, parser);
  }
  return parser;
}

export interface FencedBlock {
  /** The fence's info string, lower case (`python`), "" when none. */
  info: string;
  code: string;
}

/** The first fenced code block (``` or ~~~) of a markdown text. */
export function firstFencedBlock(text: string): FencedBlock | undefined {
  const match = /^[ \t]*(```+|~~~+)[ \t]*([^\s`]*)[^\n]*\n([\s\S]*?)^[ \t]*\1[ \t]*$/m.exec(text);
  if (!match) return undefined;
  return { info: (match[2] ?? "").toLowerCase(), code: match[3] ?? "" };
}

export type CodeCheckResult =
  | { kind: "parses"; language: string }
  | { kind: "syntax_error"; language: string; line: number }
  | { kind: "no_code_block" }
  | { kind: "no_parser"; language: string };

/** Known languages this check can parse. */
export function canParse(language: string): boolean {
  return ALIASES[language.toLowerCase()] !== undefined;
}

/**
 * Check `response`'s first fenced block. `language` "from_fence" uses the fence's info
 * string; a language without a parser (Go, SQL…) gives `no_parser`, which the caller skips.
 */
export function checkCode(response: string, language: string): CodeCheckResult {
  const block = firstFencedBlock(response);
  if (block === undefined) return { kind: "no_code_block" };
  const wanted = language === "from_fence" ? block.info : language;
  const parser = parserFor(wanted);
  if (parser === undefined) return { kind: "no_parser", language: wanted || "(none)" };
  const canonical = ALIASES[wanted.toLowerCase()]!;
  let code = block.code;
  let errorAt = firstError(parser, code);
  if (errorAt !== undefined && canonical !== "python") {
    const blanked = withoutExportBeforeClass(code);
    if (blanked !== undefined) {
      code = blanked;
      errorAt = firstError(parser, code);
    }
  }
  if (errorAt === undefined) return { kind: "parses", language: canonical };
  const line = code.slice(0, errorAt).split("\n").length;
  return { kind: "syntax_error", language: canonical, line };
}

function firstError(parser: Parser, code: string): number | undefined {
  let errorAt: number | undefined;
  parser.parse(code).iterate({
    enter(node) {
      if (errorAt !== undefined) return false;
      if (node.type.isError) errorAt = node.from;
      return undefined;
    },
  });
  return errorAt;
}

/** `export` or `export default` right before a (possibly abstract) class. */
const EXPORTED_CLASS = /(^|[\s;}])(export\s+(?:default\s+)?)(?=(?:abstract\s+)?class\b)/g;

/**
 * Decorators written before `export` (`@Component({…}) export class …`, as Angular and
 * NestJS code has it) are valid TypeScript and allowed by the TC39 decorators proposal, but
 * Lezer's grammar takes decorators only after `export`. The code is parsed again with those
 * `export` keywords blanked (same length, so lines and columns stay where they were).
 */
function withoutExportBeforeClass(code: string): string | undefined {
  if (!/^[ \t]*@/m.test(code)) return undefined;
  const blanked = code.replace(EXPORTED_CLASS, (_m, before: string, keyword: string) => {
    return before + keyword.replace(/\S/g, " ");
  });
  return blanked === code ? undefined : blanked;
}

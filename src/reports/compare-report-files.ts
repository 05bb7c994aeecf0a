import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../core/errors.js";
import type { RunComparison } from "../scoring/index.js";
import { renderCompareHtml } from "./compare-html.js";
import { renderCompareMarkdown } from "./compare-markdown.js";

export const COMPARE_FILES = {
  markdown: "compare.md",
  html: "compare.html",
  json: "compare.json",
} as const;

/** Writes compare.md, compare.html and compare.json into `outDir`; returns their paths. */
export async function writeCompareReports(
  outDir: string,
  comparison: RunComparison,
): Promise<string[]> {
  try {
    await mkdir(outDir, { recursive: true });
  } catch (err) {
    throw new UserError(
      `cannot create the output folder ${outDir}: ${(err as Error).message}; choose another --out`,
    );
  }
  const files: [string, string][] = [
    [COMPARE_FILES.markdown, renderCompareMarkdown(comparison)],
    [COMPARE_FILES.html, renderCompareHtml(comparison)],
    [COMPARE_FILES.json, `${JSON.stringify(comparison, null, 2)}\n`],
  ];
  for (const [name, text] of files) await writeFile(join(outDir, name), text);
  return files.map(([name]) => join(outDir, name));
}

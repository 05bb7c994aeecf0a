/** Reading README examples so tests run them as written. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

const README = join(import.meta.dirname, "..", "..", "README.md");

/** The fenced blocks of the README section whose heading is `heading`. */
export async function readmeBlocks(heading: string): Promise<string[]> {
  const text = await readFile(README, "utf8");
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no "${heading}" section`);
  const rest = text.slice(start + heading.length + 2);
  const section = rest.slice(0, rest.search(/\n#{2,4} /));
  return [...section.matchAll(/```\w*\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

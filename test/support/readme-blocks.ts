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

export interface ReadmeBlock {
  /** The nearest heading above the block. */
  heading: string;
  /** 1-based README line of the opening fence. */
  line: number;
  /** The block's language tag (`yaml`, `sh`, …; empty when none). */
  language: string;
  text: string;
}

/** Every fenced block of the README, in order, with the heading it sits under. */
export async function allReadmeBlocks(): Promise<ReadmeBlock[]> {
  const lines = (await readFile(README, "utf8")).split("\n");
  const blocks: ReadmeBlock[] = [];
  let heading = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^#{1,6} /.test(line)) heading = line;
    const fence = /^```(\w*)$/.exec(line);
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== "```"; i++) body.push(lines[i]!);
    blocks.push({
      heading,
      line: start + 1,
      language: fence[1]!,
      text: body.length > 0 ? `${body.join("\n")}\n` : "",
    });
  }
  return blocks;
}

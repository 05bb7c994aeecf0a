/**
 * Before a run's first model call, every planned example is rendered with every definition it
 * will be sent with (the gateway refuses what fails here, so those cells could never pass):
 * any failure is a configuration error listing every problem, not a run of endpoint errors.
 * Examples stream by and rendered prompts are discarded at once, so a 100,000-example dataset
 * costs one more read and well under a second of rendering per definition.
 */
import { UserError, UserErrors } from "../core/errors.js";
import type { Example } from "../core/types.js";
import type { PromptRegistry, ResolvedDefinition } from "../prompts/index.js";

/** Distinct problems kept per run: enough to fix a tree, bounded whatever the dataset size. */
const MAX_PROBLEMS = 50;
/** Lines listed for a problem met by many examples. */
const LISTED_LINES = 10;

interface RenderTarget {
  feature: string;
  resolved: ResolvedDefinition;
  examples: () => AsyncIterable<Example>;
}

interface FailureGroup {
  first: Example;
  reason: string;
  file: string;
  lines: number[];
  count: number;
}

function problemOf(group: FailureGroup): UserError {
  const more = group.count - 1;
  const lines = group.lines.slice(1);
  const others =
    more > 0
      ? ` (and ${more} more example(s) at lines ${lines.join(", ")}${more > lines.length ? ", …" : ""})`
      : "";
  return new UserError(
    `example "${group.first.id}" does not render with ${group.file}${others}: ${group.reason}`,
    group.first.source,
  );
}

/**
 * Render each target's examples; throws UserErrors (exit 2) naming every distinct problem at
 * its first example, with the lines of the others that fail the same way.
 */
export async function checkRenders(
  registry: PromptRegistry,
  targets: readonly RenderTarget[],
): Promise<void> {
  const groups = new Map<string, FailureGroup>();
  let dropped = 0;
  // One pass over a dataset serves every definition its feature is sent with.
  const byFeature = new Map<string, RenderTarget[]>();
  for (const target of targets) {
    const list = byFeature.get(target.feature) ?? [];
    if (!list.some((t) => t.resolved.file === target.resolved.file)) list.push(target);
    byFeature.set(target.feature, list);
  }
  for (const list of byFeature.values()) {
    for await (const example of list[0]!.examples()) {
      for (const { resolved } of list) {
        try {
          registry.render(resolved, example.inputs);
        } catch (err) {
          if (!(err instanceof UserError)) throw err;
          // Without the dataset line the message is the same for every example failing alike.
          const key = `${resolved.file}\u0000${err.message}`;
          const group = groups.get(key);
          if (group) {
            group.count++;
            if (group.lines.length <= LISTED_LINES) group.lines.push(example.source.line);
          } else if (groups.size < MAX_PROBLEMS) {
            groups.set(key, {
              first: example,
              reason: err.message,
              file: resolved.file,
              lines: [example.source.line],
              count: 1,
            });
          } else dropped++;
        }
      }
    }
  }
  if (groups.size === 0) return;
  const problems = [...groups.values()].map(problemOf);
  if (dropped > 0) {
    problems.push(
      new UserError(
        `${dropped} more example render(s) failed in other ways; fix the problems above and run again`,
      ),
    );
  }
  throw new UserErrors(problems);
}

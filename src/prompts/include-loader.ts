/**
 * `{% include %}` names resolved under the definitions root, refused as Jinja2's
 * FileSystemLoader refuses them, so a definition that renders here also renders in the gateway
 * and nothing outside the definitions root can be read.
 */
import { readFileSync, realpathSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** Why an include name is refused, or undefined when it is fine. */
export function refuseIncludeName(name: string): string | undefined {
  if (name === "") return "the include name is empty";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "it is an absolute path";
  if (name.includes("\\")) return "it contains a backslash";
  if (name.split("/").includes("..")) return 'it contains ".." (escaping the definitions root)';
  return undefined;
}

export interface IncludeRefusal {
  name: string;
  why: string;
}

/** A loader for the engine; a refused name is reported through `onRefused`, then throws. */
export function createIncludeLoader(root: string, onRefused: (refusal: IncludeRefusal) => void) {
  const realRoot = realpathSync(root);
  const cache = new Map<string, string | undefined>();
  return (name: string): string | undefined => {
    const why = refuseIncludeName(name);
    if (why !== undefined) {
      onRefused({ name, why });
      throw new Error(`include "${name}" refused: ${why}`);
    }
    if (cache.has(name)) return cache.get(name);
    let source: string | undefined;
    try {
      const real = realpathSync(join(root, ...name.split("/")));
      const rel = relative(realRoot, real);
      if (rel.startsWith(`..${sep}`) || rel === "..") {
        const refusal = { name, why: "it is a symbolic link leading outside the definitions root" };
        onRefused(refusal);
        throw new Error(`include "${name}" refused: ${refusal.why}`);
      }
      source = readFileSync(real, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === undefined) throw err;
      source = undefined;
    }
    cache.set(name, source);
    return source;
  };
}

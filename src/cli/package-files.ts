import { join, resolve } from "node:path";

/**
 * The installed package's own folder. Bundled files (init templates, JSON Schemas) are found
 * from here, never from the working directory, which is the user's project. This file is
 * src/cli/package-files.ts in the source tree and dist/cli/package-files.js once built: two
 * levels below the package root either way.
 */
export const PACKAGE_ROOT = resolve(import.meta.dirname, "..", "..");

/** A file or folder shipped in the package (listed in package.json `files`). */
export function packageFile(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}

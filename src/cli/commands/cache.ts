import { resolve } from "node:path";
import { ExitCode, UserError } from "../../core/errors.js";
import {
  cacheUsage,
  clearCache,
  DEFAULT_CACHE_DIR,
  DEFAULT_CACHE_MAX_BYTES,
  formatSize,
  parseSize,
  pruneCache,
} from "../../runner/index.js";
import { type Command, parseCommandArgs } from "../command.js";

const usage = `evalgate cache stats|prune|clear [--cache-dir DIR] [--max-size SIZE] [--json]

  stats             entries and size on disk of the response cache
  prune             remove the oldest entries until the cache holds at most --max-size
  clear             remove every entry
  --cache-dir DIR   the cache folder (default .evalgate-cache, as for evalgate run)
  --max-size SIZE   bound for prune, e.g. 200MB or 2GB (default 500MB; every run prunes to it too)
  --json            print the result as one JSON object on stdout

exit codes: 0 ok, 2 usage error (unknown action, bad size, --cache-dir is a file)`;

const options = {
  "cache-dir": { type: "string" },
  "max-size": { type: "string" },
  json: { type: "boolean" },
} as const;

export const cacheCommand: Command = {
  name: "cache",
  summary: "show the response cache's size, prune it to a bound, or clear it",
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs({ name: "cache", usage }, argv, options, true);
    const [action, ...extra] = positionals;
    if (!action || !["stats", "prune", "clear"].includes(action) || extra.length > 0) {
      throw new UserError(
        `name one action: stats, prune or clear${action ? ` (got "${positionals.join(" ")}")` : ""}\nusage: ${usage.split("\n\n")[0]}`,
      );
    }
    if (values["max-size"] !== undefined && action !== "prune") {
      throw new UserError(`--max-size applies to prune only`);
    }
    const dir = resolve(io.cwd, values["cache-dir"] ?? DEFAULT_CACHE_DIR);
    const print = (json: Record<string, unknown>, text: string) =>
      io.out(values.json ? `${JSON.stringify(json)}\n` : text);
    if (action === "stats") {
      const u = await cacheUsage(dir);
      const span =
        u.oldestMs === undefined
          ? ""
          : `, written ${new Date(u.oldestMs).toISOString()} to ${new Date(u.newestMs!).toISOString()}`;
      print(
        {
          dir,
          entries: u.entries,
          bytes: u.bytes,
          maxBytes: DEFAULT_CACHE_MAX_BYTES,
          oldest: u.oldestMs === undefined ? null : new Date(u.oldestMs).toISOString(),
          newest: u.newestMs === undefined ? null : new Date(u.newestMs).toISOString(),
        },
        `cache ${dir}: ${u.entries} entr(ies), ${formatSize(u.bytes)}${span}\n`,
      );
      return ExitCode.ok;
    }
    const maxBytes =
      action === "clear"
        ? 0
        : values["max-size"] === undefined
          ? DEFAULT_CACHE_MAX_BYTES
          : parseSize("--max-size", values["max-size"]);
    const r = action === "clear" ? await clearCache(dir) : await pruneCache(dir, maxBytes);
    print(
      {
        dir,
        action,
        removed: r.removed,
        removedBytes: r.removedBytes,
        entries: r.entries,
        bytes: r.bytes,
      },
      `cache ${dir}: removed ${r.removed} entr(ies) (${formatSize(r.removedBytes)}); ${r.entries} left, ${formatSize(r.bytes)}\n`,
    );
    return ExitCode.ok;
  },
};

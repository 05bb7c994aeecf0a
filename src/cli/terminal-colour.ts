/**
 * Colour on a terminal only: off when stdout is not a TTY (pipes, files, CI logs), with
 * `NO_COLOR` set to anything non-empty (no-color.org) or `CI` set; `FORCE_COLOR=1` forces
 * it on (for terminals that only look like pipes, e.g. `less -R`).
 */
export function colourEnabled(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0")
    return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.CI !== undefined && env.CI !== "" && env.CI !== "false") return false;
  return isTTY;
}

const SGR: Record<string, string> = {
  green: "\x1b[32m",
  yellow: "\x1b[33m",
  red: "\x1b[31m",
  insufficient: "\x1b[2m",
};
const RESET = "\x1b[0m";

/**
 * The verdict words of a rendered verdict table in their traffic-light colours. The table
 * is laid out before colouring, so the escape codes never shift its columns.
 */
export function paintVerdicts(table: string): string {
  return table.replace(
    /(?<=\s)(green|yellow|red|insufficient)(?=\s)/g,
    (word) => `${SGR[word]}${word}${RESET}`,
  );
}

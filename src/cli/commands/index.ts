import type { Command } from "../command.js";

/**
 * Every `evalgate` command, in the order `evalgate --help` lists them. Each lives in its own
 * file under this folder and is added here with one import and one entry.
 */
export const commands: readonly Command[] = [];

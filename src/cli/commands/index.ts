import type { Command } from "../command.js";

/** Every `evalgate` command, in the order `evalgate --help` lists them. */
export const commands: readonly Command[] = [];

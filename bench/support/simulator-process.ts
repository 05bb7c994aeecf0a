/** Starts bench/support/simulator-child.ts (through tsx) and talks to it over IPC. */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { SimulatorProfile, SimulatorStats } from "../../src/simulator/index.js";

export interface SimulatorProcess {
  url: string;
  stats(): Promise<SimulatorStats>;
  close(): Promise<void>;
}

const CHILD = fileURLToPath(new URL("./simulator-child.ts", import.meta.url));

function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null) =>
      reject(new Error(`simulator process exited (code ${code}) before "${type}"`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

export async function startSimulatorProcess(
  profile: SimulatorProfile,
  answerKey?: [string, string][],
): Promise<SimulatorProcess> {
  const child = fork(CHILD, [], { execArgv: ["--import", "tsx"], stdio: "inherit" });
  const started = nextMessage<{ url: string }>(child, "started");
  child.send({ type: "start", profile, ...(answerKey ? { answerKey } : {}) });
  const { url } = await started;
  let nextId = 0;
  return {
    url,
    async stats() {
      const id = nextId++;
      const reply = nextMessage<{ stats: SimulatorStats }>(child, "stats");
      child.send({ type: "stats", id });
      return (await reply).stats;
    },
    async close() {
      const closed = nextMessage(child, "closed");
      child.send({ type: "close" });
      await closed.catch(() => {});
      if (child.exitCode === null) child.kill();
    },
  };
}

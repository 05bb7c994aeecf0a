/** Starts bench/support/simulator-child.ts (through tsx) and talks to it over IPC. */
import { type ChildProcess, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SimulatorProfile, SimulatorStats } from "../../src/simulator/index.js";

export interface SimulatorProcess {
  url: string;
  /** CPU time (user + system) the simulator process has used so far, in µs (Linux only). */
  cpuMicros(): number;
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
    cpuMicros: () => processCpuMicros(child.pid),
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

/** utime + stime of a process from /proc (clock ticks are 100 Hz on Linux); NaN elsewhere. */
function processCpuMicros(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
}

/**
 * The simulator in its own process, so on a 2-core machine the server and the client under
 * test (the harness or the bare loop) each get a core and neither is measured with the
 * other's CPU time. Driven over IPC by simulator-process.ts.
 */
import { loadAnswerKey, type SimulatorProfile, startSimulator } from "../../src/simulator/index.js";

interface StartMessage {
  type: "start";
  profile: SimulatorProfile;
  /** [feature, dataset file]: lets the simulated model answer close to the references. */
  answerKey?: [string, string][];
}

type Request = StartMessage | { type: "stats"; id: number } | { type: "close" };

const send = (message: unknown) => process.send?.(message);
let simulator: Awaited<ReturnType<typeof startSimulator>> | undefined;

process.on("message", async (message: Request) => {
  if (message.type === "start") {
    const answerKey = message.answerKey ? await loadAnswerKey(message.answerKey) : [];
    simulator = await startSimulator({ profile: message.profile, answerKey });
    send({ type: "started", url: simulator.url });
  } else if (message.type === "stats") {
    send({ type: "stats", id: message.id, stats: simulator?.stats() });
  } else if (message.type === "close") {
    await simulator?.close();
    send({ type: "closed" });
    process.disconnect();
  }
});

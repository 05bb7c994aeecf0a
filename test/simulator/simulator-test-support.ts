import { afterEach } from "vitest";
import {
  type RunningSimulator,
  type SimulatorOptions,
  startSimulator,
} from "../../src/simulator/index.js";

/** Starts simulators on ephemeral ports and closes them after each test. */
export function useSimulators(): (options?: SimulatorOptions) => Promise<RunningSimulator> {
  const running: RunningSimulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
  });
  return async (options = {}) => {
    const sim = await startSimulator(options);
    running.push(sim);
    return sim;
  };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

export function chatBody(model: string, content: string, extra: Record<string, unknown> = {}) {
  return { model, messages: [{ role: "user", content }], ...extra };
}

/** A judge prompt in the shape evaluators render (see CONTRACTS.md "Evaluators"). */
export function judgePrompt(task: string, reference: string, response: string): string {
  return `<task>${task}</task>\n<reference>${reference}</reference>\n<response>${response}</response>`;
}

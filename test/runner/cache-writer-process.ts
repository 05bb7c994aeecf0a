// Child process for response-cache.test.ts: hammers one cache key to prove that concurrent
// writers from separate processes never leave a torn entry.
import { ResponseCache } from "../../src/runner/index.js";

const [dir, key, count, tag] = process.argv.slice(2);
const cache = new ResponseCache({ dir: dir! });
const text = `${tag}:`.padEnd(20_000, tag);
let torn = 0;
for (let i = 0; i < Number(count); i++) {
  await cache.set(key!, {
    ok: true,
    text,
    finishReason: "stop",
    usage: { inputTokens: 1, outputTokens: 2 },
    latencyMs: i,
    requestId: undefined,
  });
  const read = await cache.get(key!);
  if (!read || !(read.text.startsWith("a:") || read.text.startsWith("b:"))) torn++;
}
process.stdout.write(JSON.stringify({ torn }));

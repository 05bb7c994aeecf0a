#!/usr/bin/env node
import { tuneHeapGrowth } from "./heap-growth.js";

// The AWS SDK warns on every Bedrock client that Node 20 support ends soon; evalgate supports
// Node 20.19+ on purpose, and the warning would drown the run's own output. Set before the
// SDK loads, hence the dynamic import.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
// `evalgate run | head` closes stdout early; that is the reader's choice, not a crash.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});
// A run's live heap is small and its garbage plentiful: collect before the heap quadruples.
tuneHeapGrowth();
const { main } = await import("./evalgate.js");
process.exitCode = await main(process.argv.slice(2));

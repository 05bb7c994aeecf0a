// Preloaded into the measured process (node --import): on exit, writes its RSS high-water
// mark to the file named by EVALGATE_BENCH_RSS_FILE, so the parent can read it afterwards.
import { readFileSync, writeFileSync } from "node:fs";

const target = process.env.EVALGATE_BENCH_RSS_FILE;
if (target) {
  process.on("exit", (code) => {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    writeFileSync(
      target,
      JSON.stringify({
        exitCode: code,
        maxRssKb: process.resourceUsage().maxRSS,
        vmHwmKb: hwm === undefined ? null : Number(hwm),
        heapUsedMb: process.memoryUsage().heapUsed / 1048576,
      }),
    );
  });
}

// Child process for journal.test.ts: appends records as fast as it can until killed -9.
import { JournalWriter } from "../../src/runner/index.js";

const writer = await JournalWriter.open(process.argv[2]!);
const padding = "x".repeat(3000);
for (let i = 0; ; i++) {
  await writer.append({
    cellId: `f/m/e${i}/0`,
    feature: "f",
    model: "m",
    exampleId: `e${i}`,
    repeat: 0,
    status: "scored",
    score: 4,
    passed: true,
    response: padding,
    finishedAt: new Date().toISOString(),
  });
  if (i === 50) process.stdout.write("ready\n");
}

/**
 * The runner: plan cells, select a shard, skip finished cells, execute each through
 * per-endpoint queues with one retry layer and a response cache, journal every record, and
 * merge shard folders. See docs/drafts/runner.md.
 */
export { isAbortError, sleep } from "./abort-signals.js";
export {
  type AdaptiveRule,
  AdaptiveSchedule,
  type AdaptiveScheduleOptions,
} from "./adaptive-schedule.js";
export {
  type CacheUsage,
  cacheUsage,
  checkCacheDir,
  clearCache,
  DEFAULT_CACHE_MAX_BYTES,
  formatSize,
  type PruneResult,
  parseSize,
  pruneCache,
} from "./cache-maintenance.js";
export { BACKSTOP_GRACE_MS, CallWatchdog, type CallWatchdogOptions } from "./call-watchdog.js";
export {
  EndpointQueue,
  type EndpointQueueOptions,
  EndpointQueues,
  type EndpointState,
  endpointKeyFor,
  estimateRequestTokens,
  type ScheduleOptions,
} from "./endpoint-queue.js";
export {
  type CellExecutor,
  type CellExecutorOptions,
  createCellExecutor,
  PASSING_SCORE,
} from "./execute-cell.js";
export {
  forEachJournalRecord,
  forEachJsonlLine,
  JOURNAL_FILE,
  type JournalContents,
  type JournalReadResult,
  type JournalSink,
  JournalWriter,
  type JournalWriterOptions,
  journalPathIn,
  readJournal,
  truncateTornTail,
} from "./journal.js";
export { dropJournalRecords, isEndpointDown } from "./journal-compaction.js";
export {
  calibrationPanel,
  type JudgeLabelsOptions,
  judgeLabels,
  type LabelJudgement,
} from "./judge-labels.js";
export {
  type JudgePairsOptions,
  type JudgePairsResult,
  judgePairs,
  type PairJudgingCalls,
  type PairToJudge,
} from "./judge-pairs.js";
export { type JudgePanel, judgePanelFor } from "./judge-panel.js";
export { type MergeResult, mergeRuns } from "./merge-runs.js";
export {
  cellIdFor,
  countPlannedCells,
  makeCell,
  type PlannedCell,
  type PlannedFeature,
  type PlanSpec,
  planCells,
} from "./plan-cells.js";
export {
  forEachStoredPrompt,
  mergePromptFiles,
  PROMPTS_FILE,
  PromptStore,
  promptHashOf,
  promptsPathIn,
  type StoredPrompt,
} from "./prompt-store.js";
export {
  type CacheIdentityOptions,
  type CacheKeyParts,
  type CacheStats,
  cacheIdentityFor,
  cacheKeyFor,
  DEFAULT_CACHE_DIR,
  ResponseCache,
  type ResponseCacheOptions,
} from "./response-cache.js";
export { loadResumeState, type ResumeState, skipFinished } from "./resume-run.js";
export {
  type BackoffState,
  backoffDelayMs,
  isRetryable,
  RETRYABLE_ERROR_CLASSES,
  type RetryOptions,
  RetryPolicy,
  type RetryResult,
} from "./retry-policy.js";
export {
  inFlightLimitFor,
  type RunCellsOptions,
  type RunCellsResult,
  type RunProgress,
  runCells,
} from "./run-cells.js";
export { acquireRunLock, LOCK_FILE, type RunLock } from "./run-lock.js";
export {
  newRunId,
  RUN_MANIFEST_FILE,
  RUN_MANIFEST_SCHEMA_VERSION,
  type RunManifest,
  readRunManifest,
  runManifestPathIn,
  writeRunManifest,
} from "./run-manifest.js";
export { manifestPairs, type RunSuiteOptions, type RunSuiteResult, runSuite } from "./run-suite.js";
export {
  type ScheduledClient,
  type ScheduledClientOptions,
  type ScheduledResponse,
  scheduleClient,
} from "./scheduled-client.js";
export {
  formatShard,
  isInShard,
  parseShard,
  type Shard,
  selectShard,
  shardFromEnv,
  shardIndexOf,
} from "./shard-cells.js";
export {
  type PlannedDataset,
  type PlannedPair,
  pairKey,
  planSuite,
  type RunSelection,
  type SuitePlan,
} from "./suite-plan.js";
export { TokenBucket } from "./token-bucket.js";

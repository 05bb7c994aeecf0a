/**
 * The judges stage: evaluators (rubrics as data), rubric judges that ask a model for 1–4
 * grades, deterministic checks, and the parse policy that decides what counts as a grade.
 * Later stages import only from here.
 */
export { type CheckResult, type CheckScorer, createCheckScorer } from "./check-scorer.js";
export { type CodeCheckResult, checkCode, firstFencedBlock } from "./code-check.js";
export {
  aggregateJury,
  combineCriteria,
  type JuryAggregation,
  type JuryVerdict,
  PASS_GRADE,
} from "./combine-scores.js";
export {
  createDeterministicScorer,
  type DeterministicKind,
  type DeterministicScorerOptions,
} from "./deterministic-scorer.js";
export {
  type Criterion,
  type Evaluator,
  evaluatorFromYaml,
  judgedCriteria,
  loadEvaluator,
  loadEvaluators,
  SINGLE_CRITERION,
} from "./evaluator-file.js";
export { createEvaluatorJudge, type EvaluatorJudgeOptions } from "./evaluator-judge.js";
export { expectedScore } from "./expected-score.js";
export {
  correctiveMessage,
  GRADE_TOOL_NAME,
  gradeReplySchema,
  replyContract,
} from "./judge-contract.js";
export { defuseJudgeData } from "./judge-data.js";
export {
  addUsage,
  type Judge,
  type JudgeInput,
  type JudgeOutcome,
  judgeLabel,
  type UnscoredWhy,
} from "./judge-outcome.js";
export {
  JUDGE_PROMPT_VARIABLES,
  type JudgePromptVariables,
  renderJudgePrompt,
} from "./judge-prompt.js";
export {
  type Grade,
  type ParsedJudgeReply,
  parseCriteriaReply,
  parseJudgeReply,
  type UnscoredReason,
} from "./judge-reply.js";
export { createJuryJudge, type JuryJudgeOptions, juryName } from "./jury-judge.js";
export {
  createPairwiseJudge,
  judgeBothOrders,
  type PairwiseInput,
  type PairwiseJudge,
  type PairwiseJudgeOptions,
  type PairwiseOutcome,
  type ParsedPairwiseReply,
  parsePairwiseReply,
  renderPairwisePrompt,
  type SwappedVerdict,
} from "./pairwise-judge.js";
export { createRubricJudge, type RubricJudgeOptions } from "./rubric-judge.js";

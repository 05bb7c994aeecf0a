/**
 * The judges stage: rubric judges that ask a model for a 1–4 score, deterministic scorers,
 * and the parse policy that decides what counts as a score. Later stages import only from here.
 */
export {
  createDeterministicScorer,
  type DeterministicKind,
  type DeterministicScorerOptions,
} from "./deterministic-scorer.js";
export {
  type Evaluator,
  evaluatorFromYaml,
  loadEvaluator,
  loadEvaluators,
} from "./evaluator-file.js";
export {
  addUsage,
  type Judge,
  type JudgeInput,
  type JudgeOutcome,
  type UnscoredWhy,
} from "./judge-outcome.js";
export {
  JUDGE_PROMPT_VARIABLES,
  type JudgePromptVariables,
  renderJudgePrompt,
} from "./judge-prompt.js";
export { type ParsedJudgeReply, parseJudgeReply, type UnscoredReason } from "./judge-reply.js";
export { correctiveMessage, createRubricJudge, type RubricJudgeOptions } from "./rubric-judge.js";

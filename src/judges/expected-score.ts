import type { TokenLogprob } from "../core/types.js";

/**
 * G-Eval's probability-weighted score: at the token where the judge wrote its grade, weigh
 * each grade the model considered by its probability, Σ g·p(g) / Σ p(g). It separates a
 * confident 3 from a coin toss between 2 and 4, which a discrete grade cannot.
 *
 * The grade token is the last token that is exactly the grade written (the contract puts the
 * grade last in a text reply and inside "scores" in a JSON one); undefined when the endpoint
 * gave no logprobs or no such token carries alternatives on the scale.
 */
export function expectedScore(
  logprobs: readonly TokenLogprob[] | undefined,
  grade: number,
  scale: readonly number[],
): number | undefined {
  if (logprobs === undefined || logprobs.length === 0) return undefined;
  for (let i = logprobs.length - 1; i >= 0; i--) {
    const entry = logprobs[i]!;
    if (entry.token.trim() !== String(grade)) continue;
    const probability = new Map<number, number>();
    for (const option of [{ token: entry.token, logprob: entry.logprob }, ...entry.top]) {
      const value = Number(option.token.trim());
      if (!/^\s*\d+\s*$/.test(option.token) || !scale.includes(value)) continue;
      // The same grade may appear as " 3" and "3": both are that grade.
      const p = Math.exp(option.logprob);
      probability.set(value, Math.max(probability.get(value) ?? 0, p));
    }
    let total = 0;
    let weighted = 0;
    for (const [value, p] of probability) {
      total += p;
      weighted += value * p;
    }
    return total > 0 ? weighted / total : undefined;
  }
  return undefined;
}

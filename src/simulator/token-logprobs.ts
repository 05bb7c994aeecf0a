import { SeededRandom } from "./seeded-random.js";

/**
 * Plausible, deterministic token log-probabilities in OpenAI's shape. A judge's score digit
 * gets its neighbours as alternatives, so probability-weighted scoring has something to
 * weigh; other tokens get a confident choice and a few near-miss variants.
 */
export interface TopLogprob {
  token: string;
  logprob: number;
  bytes: number[];
}
export interface TokenLogprobEntry extends TopLogprob {
  top_logprobs: TopLogprob[];
}

function entry(token: string, logprob: number): TopLogprob {
  return {
    token,
    logprob: Math.round(logprob * 1e4) / 1e4,
    bytes: [...Buffer.from(token, "utf8")],
  };
}

function digitAlternatives(token: string, random: SeededRandom): TopLogprob[] {
  const prefix = token.slice(0, token.length - 1);
  const chosen = Number(token[token.length - 1]);
  const confidence = 0.6 + random.next() * 0.35;
  const others = [1, 2, 3, 4].filter((d) => d !== chosen);
  // Neighbouring scores take most of the remaining mass, as real judges' distributions do.
  const weights = others.map((d) => 1 / (Math.abs(d - chosen) * 3));
  const sum = weights.reduce((a, b) => a + b, 0);
  const alternatives = others.map((d, i) =>
    entry(`${prefix}${d}`, Math.log(((1 - confidence) * weights[i]!) / sum)),
  );
  return [entry(token, Math.log(confidence)), ...alternatives].sort(
    (a, b) => b.logprob - a.logprob,
  );
}

function variants(token: string, random: SeededRandom, count: number): TopLogprob[] {
  const bare = token.trimStart();
  const spaced = token === bare ? ` ${bare}` : bare;
  const candidates = [
    spaced,
    bare.toUpperCase(),
    bare.toLowerCase(),
    `${token},`,
    `${token}.`,
    "\n",
  ];
  const out: TopLogprob[] = [];
  let logprob = -1.5 - random.next();
  for (const c of candidates) {
    if (out.length >= count) break;
    if (c === token || out.some((o) => o.token === c)) continue;
    out.push(entry(c, logprob));
    logprob -= 0.5 + random.next();
  }
  return out;
}

export function tokenLogprobs(
  tokens: readonly string[],
  topLogprobs: number,
  seed: string,
  isJudge: boolean,
): TokenLogprobEntry[] {
  const random = SeededRandom.from("logprobs", seed);
  return tokens.map((token, i) => {
    const previous = tokens.slice(Math.max(0, i - 3), i).join("");
    if (isJudge && /^\s*[1-4]$/.test(token) && /SCORE:\s*$/.test(previous)) {
      const all = digitAlternatives(token, random);
      const own = all.find((a) => a.token === token)!;
      return { ...own, top_logprobs: all.slice(0, topLogprobs) };
    }
    const chosen = entry(token, -(random.next() ** 3) * 1.2);
    const top = topLogprobs > 0 ? [chosen, ...variants(token, random, topLogprobs - 1)] : [];
    return { ...chosen, top_logprobs: top };
  });
}

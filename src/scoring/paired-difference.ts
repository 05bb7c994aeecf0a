/**
 * Two runs on the same examples (baseline a, candidate b; 1 = pass). The difference of pass
 * rates gets Newcombe's hybrid score interval for paired data with the continuity-corrected
 * φ (Newcombe 1998, "Improved confidence intervals for the difference between binomial
 * proportions based on paired data", Stat Med 17:2635–2650, method 10), and the change is
 * tested with the exact (binomial) McNemar test on the discordant pairs.
 */
import { wilsonInterval } from "./wilson-interval.js";

export interface PairedDifference {
  /** Pass rate of a minus pass rate of b. */
  difference: number;
  low: number;
  high: number;
  /** Two-sided exact McNemar p-value (1 when no pair is discordant). */
  pValue: number;
}

/**
 * P(X ≤ k) for X ~ Binomial(n, 1/2) = Σ C(n, i) / 2^n, summed exactly in BigInt so the
 * p-value is the correctly rounded ratio (statsmodels' to the last bit) at any n.
 */
function binomialHalfCdf(k: number, n: number): number {
  let coefficient = 1n;
  let total = 0n;
  for (let i = 0; i <= k; i++) {
    total += coefficient;
    coefficient = (coefficient * BigInt(n - i)) / BigInt(i + 1);
  }
  // total / 2^n without overflow: keep the top 64 bits of total and scale by a power of two.
  const drop = Math.max(0, total.toString(2).length - 64);
  return Number(total >> BigInt(drop)) * 2 ** (drop - n);
}

export function mcnemarExactPValue(aOnly: number, bOnly: number): number {
  const discordant = aOnly + bOnly;
  if (discordant === 0) return 1;
  return Math.min(1, 2 * binomialHalfCdf(Math.min(aOnly, bOnly), discordant));
}

export function pairedDifference(
  a: readonly (0 | 1)[],
  b: readonly (0 | 1)[],
  options: { confidence: number } = { confidence: 0.95 },
): PairedDifference {
  if (a.length !== b.length) {
    throw new RangeError(`pairedDifference: ${a.length} results in a but ${b.length} in b`);
  }
  const n = a.length;
  if (n === 0) throw new RangeError("pairedDifference: no pairs");
  // Newcombe's table: both pass (e), only a (f), only b (g), neither (h).
  let e = 0;
  let f = 0;
  let g = 0;
  let h = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if ((x !== 0 && x !== 1) || (y !== 0 && y !== 1)) {
      throw new RangeError(`pairedDifference: pair ${i} is (${x}, ${y}); results must be 0 or 1`);
    }
    if (x === 1 && y === 1) e++;
    else if (x === 1) f++;
    else if (y === 1) g++;
    else h++;
  }
  const p1 = (e + f) / n;
  const p2 = (e + g) / n;
  const w1 = wilsonInterval(e + f, n, options.confidence);
  const w2 = wilsonInterval(e + g, n, options.confidence);
  const product = (e + f) * (g + h) * (e + g) * (f + h);
  let phi = 0;
  if (product > 0) {
    const cross = e * h - f * g;
    // Newcombe's φ*: a positive association is shrunk by n/2 (continuity), never below 0.
    const corrected = cross > n / 2 ? cross - n / 2 : cross < 0 ? cross : 0;
    phi = corrected / Math.sqrt(product);
  }
  const dl = p1 - w1.low;
  const du = w1.high - p1;
  const el = p2 - w2.low;
  const eu = w2.high - p2;
  const difference = p1 - p2;
  const below = Math.sqrt(Math.max(0, dl * dl - 2 * phi * dl * eu + eu * eu));
  const above = Math.sqrt(Math.max(0, el * el - 2 * phi * el * du + du * du));
  return {
    difference,
    low: Math.max(-1, difference - below),
    high: Math.min(1, difference + above),
    pValue: mcnemarExactPValue(f, g),
  };
}

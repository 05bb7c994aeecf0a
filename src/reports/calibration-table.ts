import type { CalibrationAgreement } from "../scoring/index.js";
import { alignColumns } from "./text-columns.js";

export interface CalibrationReportContext {
  evaluator: string;
  /** The judge's name, or `jury(a,b,c)`. */
  judge: string;
  labelsFile: string;
  raters: readonly string[];
  responses: number;
  /** The evaluator's `calibration.min_agreement`, if it has one. */
  minAgreement: number | undefined;
}

function statistic(value: number | null): string {
  return value === null ? "undefined" : value.toFixed(3);
}

function share(value: number | null): string {
  return value === null ? "—" : `${(value * 100).toFixed(1)}%`;
}

/** Whether the judge meets `min_agreement` (quadratic κ); undefined when none is set. */
export function calibrationPassed(
  agreement: CalibrationAgreement,
  minAgreement: number | undefined,
): boolean | undefined {
  if (minAgreement === undefined) return undefined;
  return agreement.quadraticKappa !== null && agreement.quadraticKappa + 1e-9 >= minAgreement;
}

/** The agreement table `evalgate calibrate` prints. */
export function renderCalibrationTable(
  agreement: CalibrationAgreement,
  context: CalibrationReportContext,
): string {
  const humans = agreement.humans;
  const pairwise = humans?.pairwise ?? [];
  const humanKappa =
    pairwise.length === 0
      ? "—"
      : pairwise
          .map((p) => `${statistic(p.quadraticKappa)} (${p.raters[0]}–${p.raters[1]})`)
          .join(", ");
  const lines = [
    `evaluator ${context.evaluator}: judge ${context.judge} against ${context.raters.length} rater(s) (${context.raters.join(", ")}) on ${context.responses} labelled response(s) from ${context.labelsFile}`,
    `judged ${agreement.judged}, no grade ${agreement.unjudged}; compared ${agreement.pairs} (response, rater) pair(s)`,
    "",
    alignColumns([
      ["statistic", "judge–human", "human–human"],
      ["quadratic-weighted κ", statistic(agreement.quadraticKappa), humanKappa],
      [
        "ordinal α",
        statistic(agreement.ordinalAlpha),
        humans ? statistic(humans.ordinalAlpha) : "—",
      ],
      ["κ on pass (≥ 3)", statistic(agreement.passKappa), "—"],
      ["exact agreement", share(agreement.exact), "—"],
      ["within one grade", share(agreement.withinOne), "—"],
    ]),
    "",
    "confusion (rows: human grade, columns: judge grade)",
    alignColumns([
      ["", "judge 1", "judge 2", "judge 3", "judge 4"],
      ...agreement.confusion.map((row, h) => [`human ${h + 1}`, ...row.map(String)]),
    ]),
  ];
  const passed = calibrationPassed(agreement, context.minAgreement);
  if (passed !== undefined) {
    lines.push(
      "",
      `min_agreement ${context.minAgreement} (quadratic-weighted κ): ${passed ? "met" : "NOT met"}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Planning: a cell is (feature, model, example, repeat). Cells are generated lazily, one at a
 * time, so planning 100,000 examples never holds more than the examples themselves; prompts
 * are rendered only when a cell executes.
 */
import { UserError } from "../core/errors.js";
import type { CellIdentity, Example } from "../core/types.js";

export interface PlannedFeature {
  /** Feature id, e.g. `code_generations`. */
  id: string;
  /** The feature's dataset. An async iterable is consumed once, as cells are planned. */
  examples: AsyncIterable<Example> | Iterable<Example>;
  /** Models to evaluate for this feature; defaults to the plan's `models`. */
  models?: readonly string[];
  /**
   * The ids were already checked for duplicates (planSuite does, while hashing the dataset),
   * so planning need not remember every id: that map is the one thing that would grow with
   * the dataset during a run.
   */
  idsChecked?: boolean;
}

export interface PlanSpec {
  features: readonly PlannedFeature[];
  /** Catalog model names. */
  models: readonly string[];
  /** Repeats per (feature, model, example); repeat indices run 0..repeats-1. */
  repeats: number;
}

/** One unit of work: its identity plus the example it fills the prompt with. */
export interface PlannedCell extends CellIdentity {
  example: Example;
}

/**
 * The stable id of a cell, `${feature}/${model}/${exampleId}/${repeat}` (repeat is 0-based).
 * It keys the journal, resume and merge, so it must never change for the same inputs.
 */
export function cellIdFor(feature: string, model: string, exampleId: string, repeat: number) {
  return `${feature}/${model}/${exampleId}/${repeat}`;
}

export function makeCell(
  feature: string,
  model: string,
  example: Example,
  repeat: number,
): PlannedCell {
  return {
    cellId: cellIdFor(feature, model, example.id, repeat),
    feature,
    model,
    exampleId: example.id,
    repeat,
    example,
  };
}

/** A cell's identity alone, without its example: what every record it ends in starts with. */
export function cellIdentityOf(cell: CellIdentity): CellIdentity {
  const { cellId, feature, model, exampleId, repeat } = cell;
  return { cellId, feature, model, exampleId, repeat };
}

function checkSpec(spec: PlanSpec): void {
  if (!Number.isInteger(spec.repeats) || spec.repeats < 1) {
    throw new UserError(`repeats must be a whole number of at least 1 (got ${spec.repeats})`);
  }
  const seen = new Set<string>();
  for (const feature of spec.features) {
    if (seen.has(feature.id)) {
      throw new UserError(`feature "${feature.id}" is planned twice; list each feature once`);
    }
    seen.add(feature.id);
  }
}

/**
 * Yields every cell of the plan. Within a feature the order is example → repeat → model, so
 * consecutive cells go to different models and every endpoint gets work from the start.
 * Duplicate example ids within a feature are a UserError naming both source lines, since
 * they would give two cells the same id.
 */
export async function* planCells(spec: PlanSpec): AsyncGenerator<PlannedCell> {
  checkSpec(spec);
  for (const feature of spec.features) {
    const models = feature.models ?? spec.models;
    if (models.length === 0) continue;
    // id -> line only (one feature reads one file): a Map of 100,000 numbers, not of sources.
    const firstSeen = new Map<string, number>();
    for await (const example of feature.examples) {
      const earlierLine = feature.idsChecked ? undefined : firstSeen.get(example.id);
      if (earlierLine !== undefined) {
        throw new UserError(
          `example id "${example.id}" of feature "${feature.id}" was already used at ` +
            `${example.source.file}:${earlierLine}; give each example a unique id`,
          { file: example.source.file, line: example.source.line },
        );
      }
      if (!feature.idsChecked) firstSeen.set(example.id, example.source.line);
      for (let repeat = 0; repeat < spec.repeats; repeat++) {
        for (const model of models) yield makeCell(feature.id, model, example, repeat);
      }
    }
  }
}

/** The number of cells the plan yields, when every dataset is an array; else undefined. */
export function countPlannedCells(spec: PlanSpec): number | undefined {
  let total = 0;
  for (const feature of spec.features) {
    if (!Array.isArray(feature.examples)) return undefined;
    const models = feature.models ?? spec.models;
    total += feature.examples.length * models.length * spec.repeats;
  }
  return total;
}

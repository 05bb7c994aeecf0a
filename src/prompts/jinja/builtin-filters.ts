/**
 * Jinja2's built-in filters, ported from `jinja2/filters.py` (3.1). Filters that return a
 * generator in Python (`map`, `select`, `selectattr`, `unique`, `batch`, …) return a one-shot
 * `PyIterator` here too, so `xs|select|length` fails exactly as it does in the gateway.
 */
import type { BuiltinFilter } from "./filter-arguments.js";
import { SEQUENCE_FILTERS } from "./sequence-filters.js";
import { VALUE_FILTERS } from "./text-filters.js";

export type { BuiltinFilter, FilterRuntime } from "./filter-arguments.js";

export const BUILTIN_FILTERS: Record<string, BuiltinFilter> = {
  ...SEQUENCE_FILTERS,
  ...VALUE_FILTERS,
  d: VALUE_FILTERS.default!,
  e: VALUE_FILTERS.escape!,
};

/**
 * The AI gateway's own Jinja filters (ai_gateway/prompts/base.py). They are not Jinja2
 * built-ins: the gateway registers them on its environment, and the prompt registry passes them
 * in through `filters`. Which ones exist depends on the gateway's age.
 */
import type { Filter } from "./environment.js";
import { jsonLoads } from "./python-json.js";
import { pySplit } from "./python-methods.js";
import { pyStr, strLength } from "./python-values.js";
import { TemplateRenderError, TemplateSecurityError } from "./template-errors.js";

/** The gateway refuses longer `parse_json` inputs (a guard against oversized payloads). */
export const PARSE_JSON_MAX_INPUT_LENGTH = 1_000_000;

function isKwargs(value: unknown): value is Record<string, unknown> & { __kwargs: true } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { __kwargs?: unknown }).__kwargs === true
  );
}

/**
 * `value|split(delimiter=" ", maxsplit=None)` is Python's `str(value).split(delimiter, maxsplit)`:
 * one space by default (not whitespace runs; `split(none)` gives those), any value as its str().
 */
const split: Filter = (value, ...rest) => {
  const kwargs = isKwargs(rest[rest.length - 1]) ? (rest.pop() as Record<string, unknown>) : {};
  const delimiter =
    rest.length > 0 ? rest[0] : Object.hasOwn(kwargs, "delimiter") ? kwargs.delimiter : " ";
  const maxsplit = rest.length > 1 ? rest[1] : (kwargs.maxsplit ?? null);
  if (delimiter === "") {
    throw new TemplateSecurityError(
      "Empty delimiter is not allowed for split filter",
      "split_empty",
    );
  }
  return pySplit(pyStr(value), delimiter, maxsplit === null ? -1 : maxsplit);
};

/** `value|parse_json` is Python's `json.loads(value)` for strings only; objects keep their key order. */
const parseJson: Filter = (value) => {
  if (typeof value !== "string") {
    throw new TemplateSecurityError("Value for parse_json must be string.", "parse_json");
  }
  if (
    value.length > PARSE_JSON_MAX_INPUT_LENGTH &&
    strLength(value) > PARSE_JSON_MAX_INPUT_LENGTH
  ) {
    throw new TemplateSecurityError(
      `Input to parse_json filter exceeds maximum allowed length of ${PARSE_JSON_MAX_INPUT_LENGTH} characters`,
      "parse_json",
    );
  }
  try {
    return jsonLoads(value);
  } catch (error) {
    if (!(error instanceof TemplateRenderError)) throw error;
    throw new TemplateSecurityError("Invalid json value", "parse_json");
  }
};

/** The gateway today (since 0155540de, 2026-02-06, and d1382a40c, 2026-06-04, for parse_json). */
export const gatewayFilters: Record<string, Filter> = {
  split,
  parse_json: parseJson,
};

/** The gateway before 0155540de (2026-02-06): no filters of its own. */
export const legacyGatewayFilters: Record<string, Filter> = {};

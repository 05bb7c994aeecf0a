import {
  attrGetter,
  type BuiltinFilter,
  bind,
  type FilterRuntime,
  lazy,
  multiAttrGetter,
  REQUIRED,
} from "./filter-arguments.js";
import type { Kwargs } from "./python-methods.js";
import { pyCompare, pyEquals, pyIterate, pyLen, pyList, typeError } from "./python-operators.js";
import {
  codePoints,
  isMapping,
  isNumeric,
  isPyFloat,
  makeFloat,
  makeTuple,
  mappingEntries,
  type PyIterator,
  PyRange,
  pyStr,
  pyTruthy,
  toNumber,
  Undefined,
} from "./python-values.js";
import { TemplateRenderError } from "./template-errors.js";

function selectOrReject(
  value: unknown,
  args: unknown[],
  kwargs: Kwargs,
  runtime: FilterRuntime,
  keep: boolean,
  lookupAttribute: boolean,
): PyIterator {
  return lazy(() => {
    const out: unknown[] = [];
    if (!pyTruthy(value)) return out;
    if (lookupAttribute && args.length === 0) {
      throw new TemplateRenderError("Missing parameter for attribute name", "FilterArgumentError");
    }
    const transform = lookupAttribute ? attrGetter(args[0]) : (x: unknown) => x;
    const offset = lookupAttribute ? 1 : 0;
    const testName = args[offset];
    const testArgs = args.slice(offset + 1);
    const check =
      testName === undefined
        ? (x: unknown) => pyTruthy(x)
        : (x: unknown) => runtime.callTest(String(testName), x, testArgs, kwargs);
    for (const item of pyIterate(value)) if (check(transform(item)) === keep) out.push(item);
    return out;
  });
}

function sortList(items: unknown[], key: (item: unknown) => unknown, reverse: boolean): unknown[] {
  const keyed = items.map((item) => ({ item, key: key(item) }));
  keyed.sort((a, b) => (reverse ? pyCompare(b.key, a.key) : pyCompare(a.key, b.key)));
  return keyed.map((entry) => entry.item);
}

function minOrMax(value: unknown, caseSensitive: unknown, attribute: unknown, wantMax: boolean) {
  const items = pyList(value);
  if (items.length === 0)
    return new Undefined(undefined, { hint: "No aggregated item, sequence was empty." });
  const key = attrGetter(attribute, { lower: !pyTruthy(caseSensitive) });
  let best = items[0];
  let bestKey = key(best);
  for (const item of items.slice(1)) {
    const k = key(item);
    const order = pyCompare(k, bestKey, wantMax ? ">" : "<");
    if (wantMax ? order > 0 : order < 0) {
      best = item;
      bestKey = k;
    }
  }
  return best;
}

export const SEQUENCE_FILTERS: Record<string, BuiltinFilter> = {
  batch: (value, args, kw) => {
    const [count, fill] = bind("batch", args, kw, [
      ["linecount", REQUIRED],
      ["fill_with", null],
    ]);
    const size = toNumber(count as number);
    return lazy(() => {
      const out: unknown[] = [];
      let batch: unknown[] = [];
      for (const item of pyIterate(value)) {
        if (batch.length === size) {
          out.push(batch);
          batch = [];
        }
        batch.push(item);
      }
      if (batch.length) {
        if (fill !== null && batch.length < size) while (batch.length < size) batch.push(fill);
        out.push(batch);
      }
      return out;
    });
  },
  count: (value) => pyLen(value),
  length: (value) => pyLen(value),
  dictsort: (value, args, kw) => {
    const [caseSensitive, by, reverse] = bind("dictsort", args, kw, [
      ["case_sensitive", false],
      ["by", "key"],
      ["reverse", false],
    ]);
    if (by !== "key" && by !== "value") {
      throw new TemplateRenderError(
        'You can only sort by either "key" or "value"',
        "FilterArgumentError",
      );
    }
    if (value instanceof Undefined) value.fail();
    if (!isMapping(value)) throw typeError("dictsort expects a mapping");
    const position = by === "key" ? 0 : 1;
    const key = (pair: unknown) => {
      const v = (pair as unknown[])[position];
      return !pyTruthy(caseSensitive) && typeof v === "string" ? v.toLowerCase() : v;
    };
    return sortList(
      mappingEntries(value).map((pair) => makeTuple(pair)),
      key,
      pyTruthy(reverse),
    );
  },
  first: (value) => {
    for (const item of pyIterate(value)) return item;
    return new Undefined(undefined, { hint: "No first item, sequence was empty." });
  },
  groupby: (value, args, kw) => {
    const [attribute, fallback, caseSensitive] = bind("groupby", args, kw, [
      ["attribute", REQUIRED],
      ["default", null],
      ["case_sensitive", false],
    ]);
    const key = attrGetter(attribute, { lower: !pyTruthy(caseSensitive), fallback });
    const realKey = attrGetter(attribute, { fallback });
    const groups: unknown[][] = [];
    for (const item of sortList(pyList(value), key, false)) {
      const last = groups[groups.length - 1];
      if (last && pyEquals(key(last[0]), key(item))) last.push(item);
      else groups.push([item]);
    }
    return groups.map((items) => {
      const group = makeTuple([realKey(items[0]), items]);
      Object.defineProperty(group, "fields", { value: ["grouper", "list"] });
      return group;
    });
  },
  items: (value) => {
    if (value instanceof Undefined) return lazy(() => []);
    if (!isMapping(value)) throw typeError("Can only get item pairs from a mapping.");
    return lazy(() => mappingEntries(value).map((pair) => makeTuple(pair)));
  },
  join: (value, args, kw) => {
    const [separator, attribute] = bind("join", args, kw, [
      ["d", ""],
      ["attribute", null],
    ]);
    let items = pyList(value);
    if (attribute !== null) items = items.map(attrGetter(attribute));
    return items.map(pyStr).join(pyStr(separator));
  },
  last: (value) => {
    if (value instanceof Undefined) {
      return new Undefined(undefined, { hint: "No last item, sequence was empty." });
    }
    const reversible =
      typeof value === "string" ||
      Array.isArray(value) ||
      isMapping(value) ||
      value instanceof PyRange;
    if (!reversible) throw typeError("object is not reversible");
    const items = pyList(value);
    if (items.length === 0)
      return new Undefined(undefined, { hint: "No last item, sequence was empty." });
    return items[items.length - 1];
  },
  list: (value) => pyList(value),
  map: (value, args, kw, runtime) =>
    lazy(() => {
      const out: unknown[] = [];
      if (!pyTruthy(value)) return out;
      let transform: (item: unknown) => unknown;
      if (args.length === 0 && Object.hasOwn(kw, "attribute")) {
        const { attribute, default: fallback, ...rest } = kw;
        const unexpected = Object.keys(rest)[0];
        if (unexpected)
          throw new TemplateRenderError(
            `Unexpected keyword argument '${unexpected}'`,
            "FilterArgumentError",
          );
        transform = attrGetter(attribute, { fallback });
      } else {
        if (args.length === 0)
          throw new TemplateRenderError("map requires a filter argument", "FilterArgumentError");
        const [name, ...rest] = args;
        transform = (item) => runtime.callFilter(String(name), item, rest, kw);
      }
      for (const item of pyIterate(value)) out.push(transform(item));
      return out;
    }),
  max: (value, args, kw) => {
    const [caseSensitive, attribute] = bind("max", args, kw, [
      ["case_sensitive", false],
      ["attribute", null],
    ]);
    return minOrMax(value, caseSensitive, attribute, true);
  },
  min: (value, args, kw) => {
    const [caseSensitive, attribute] = bind("min", args, kw, [
      ["case_sensitive", false],
      ["attribute", null],
    ]);
    return minOrMax(value, caseSensitive, attribute, false);
  },
  reject: (value, args, kw, runtime) => selectOrReject(value, args, kw, runtime, false, false),
  rejectattr: (value, args, kw, runtime) => selectOrReject(value, args, kw, runtime, false, true),
  select: (value, args, kw, runtime) => selectOrReject(value, args, kw, runtime, true, false),
  selectattr: (value, args, kw, runtime) => selectOrReject(value, args, kw, runtime, true, true),
  reverse: (value) => {
    if (typeof value === "string") return codePoints(value).reverse().join("");
    return lazy(() => pyList(value).reverse());
  },
  slice: (value, args, kw) => {
    const [count, fill] = bind("slice", args, kw, [
      ["slices", REQUIRED],
      ["fill_with", null],
    ]);
    const seq = pyList(value);
    const slices = toNumber(count as number);
    const perSlice = Math.floor(seq.length / slices);
    const withExtra = seq.length % slices;
    return lazy(() => {
      const out: unknown[] = [];
      let offset = 0;
      for (let n = 0; n < slices; n++) {
        const start = offset + n * perSlice;
        if (n < withExtra) offset += 1;
        const part = seq.slice(start, offset + (n + 1) * perSlice);
        if (fill !== null && n >= withExtra) part.push(fill);
        out.push(part);
      }
      return out;
    });
  },
  sort: (value, args, kw) => {
    const [reverse, caseSensitive, attribute] = bind("sort", args, kw, [
      ["reverse", false],
      ["case_sensitive", false],
      ["attribute", null],
    ]);
    return sortList(
      pyList(value),
      multiAttrGetter(attribute, !pyTruthy(caseSensitive)),
      pyTruthy(reverse),
    );
  },
  sum: (value, args, kw) => {
    const [attribute, start] = bind("sum", args, kw, [
      ["attribute", null],
      ["start", 0],
    ]);
    const get = attribute === null ? (x: unknown) => x : attrGetter(attribute);
    let total: unknown = start;
    for (const item of pyIterate(value)) {
      const addend = get(item);
      if (!isNumeric(total) || !isNumeric(addend))
        throw typeError("unsupported operand type(s) for +");
      const sum = toNumber(total) + toNumber(addend);
      total = isPyFloat(total) || isPyFloat(addend) ? makeFloat(sum) : sum;
    }
    return total;
  },
  unique: (value, args, kw) => {
    const [caseSensitive, attribute] = bind("unique", args, kw, [
      ["case_sensitive", false],
      ["attribute", null],
    ]);
    const key = attrGetter(attribute, { lower: !pyTruthy(caseSensitive) });
    return lazy(() => {
      const out: unknown[] = [];
      const seen: unknown[] = [];
      for (const item of pyIterate(value)) {
        const k = key(item);
        if (!seen.some((s) => pyEquals(s, k))) {
          seen.push(k);
          out.push(item);
        }
      }
      return out;
    });
  },
};

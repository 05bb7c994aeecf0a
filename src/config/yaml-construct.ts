import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  type YAMLMap,
} from "yaml";
import { type SourcePosition, UserError, UserErrors } from "../core/errors.js";
import {
  MERGE_KEY,
  PYYAML_COLLECTION_TAGS,
  PYYAML_SCALAR_TAGS,
  type PyScalarKind,
  pyKeyString,
  pyScalarKind,
  resolvePlainScalar,
  VALUE_KEY,
} from "./pyyaml-schema.js";

/**
 * Values copied by expanding aliases, in a whole document. Nested aliases multiply (the
 * "billion laughs" bomb), so each expansion is sized before it is copied; real configs stay
 * far below this.
 */
export const ALIAS_EXPANSION_LIMIT = 10_000;

/** How the values of a document are built: plain JS values, or a typed dump for tests. */
export interface YamlBuilder<T> {
  scalar(value: unknown, kind: PyScalarKind): T;
  list(items: T[]): T;
  /** Entries in key order, each key once (a repeated key keeps its first place, last value). */
  map(entries: { key: string; typedKey: T; value: T }[]): T;
}

export const plainBuilder: YamlBuilder<unknown> = {
  scalar: (value) => value,
  list: (items) => items,
  map(entries) {
    const object: Record<string, unknown> = {};
    for (const { key, value } of entries) {
      // defineProperty: a key named __proto__ must stay a key, not replace the prototype.
      Object.defineProperty(object, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return object;
  },
};

export interface ConstructOptions {
  /** "1.1": PyYAML safe_load rules (tags checked, `<<` merges, last duplicate key wins). */
  version: "1.1" | "1.2";
  locate(offset: number | undefined): SourcePosition;
}

interface PendingPair {
  pair: Pair<unknown, unknown>;
  inAlias: boolean;
}

function kindOfJs(value: unknown): PyScalarKind {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  return "str";
}

class Constructor<T> {
  private readonly sizes = new Map<Node, number>();
  private readonly sizing = new Set<Node>();
  private copied = 0;
  readonly problems: UserError[] = [];

  constructor(
    private readonly doc: Document.Parsed,
    private readonly builder: YamlBuilder<T>,
    private readonly options: ConstructOptions,
  ) {}

  private at(node: unknown): SourcePosition {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return this.options.locate(range?.[0]);
  }

  private target(alias: Alias): Node {
    const node = alias.resolve(this.doc);
    if (node === undefined) {
      throw new UserError(
        `alias *${alias.source} has no anchor &${alias.source} before it; define the anchor first or fix the name`,
        this.at(alias),
      );
    }
    return node;
  }

  /** How many values a node stands for once every alias in it is expanded. */
  private size(node: unknown, via?: Alias): number {
    if (isAlias(node)) return this.size(this.target(node), node);
    if (!isMap(node) && !isSeq(node)) return 1;
    const known = this.sizes.get(node);
    if (known !== undefined) return known;
    if (this.sizing.has(node)) {
      throw new UserError(
        `alias *${via?.source} is inside the node it refers to (a recursive structure); remove the alias`,
        this.at(via),
      );
    }
    this.sizing.add(node);
    let total = 1;
    for (const item of node.items as unknown[]) {
      total += isMap(node)
        ? this.size((item as Pair).key) + this.size((item as Pair).value)
        : this.size(item);
    }
    this.sizing.delete(node);
    this.sizes.set(node, total);
    return total;
  }

  /** The node an alias names, after charging its expansion to the document's budget. */
  private expand(alias: Alias, inAlias: boolean): Node {
    const node = this.target(alias);
    // Aliases inside an expansion were sized with it.
    if (!inAlias) {
      this.copied += this.size(alias);
      if (this.copied > ALIAS_EXPANSION_LIMIT) {
        throw new UserError(
          `too many aliases: expanding *${alias.source} here brings the values copied from aliases to ${this.copied} (the limit is ${ALIAS_EXPANSION_LIMIT}; nested aliases multiply), remove the alias expansion or write the values out`,
          this.at(alias),
        );
      }
    }
    return node;
  }

  private checkTag(node: Node, known: (tag: string) => boolean): void {
    const tag = this.options.version === "1.1" ? node.tag : undefined;
    if (tag !== undefined && tag !== "!" && !known(tag)) {
      this.problems.push(
        new UserError(
          `tag ${tag}: PyYAML's safe_load has no constructor for it, so the gateway cannot load this file; remove the tag`,
          this.at(node),
        ),
      );
    }
  }

  build(node: unknown, inAlias = false): T {
    if (node === null || node === undefined) return this.builder.scalar(null, "null");
    if (isAlias(node)) return this.build(this.expand(node, inAlias), true);
    if (isScalar(node)) {
      this.checkTag(node, (tag) => PYYAML_SCALAR_TAGS.has(tag));
      if (node.value === MERGE_KEY || node.value === VALUE_KEY) {
        this.problems.push(
          new UserError(
            `"${node.source}" is a special key in YAML 1.1 and cannot be a value (PyYAML refuses it); quote it: "${node.source}"`,
            this.at(node),
          ),
        );
        return this.builder.scalar(node.source, "str");
      }
      if (this.options.version === "1.1" && node.tag === "!" && node.type === "PLAIN") {
        // PyYAML resolves a plain scalar with the non-specific tag `!` as if it had none.
        const { value, kind } = resolvePlainScalar(node.source as string, (message) =>
          this.problems.push(new UserError(`invalid YAML: ${message}`, this.at(node))),
        );
        return this.builder.scalar(value, kind);
      }
      return this.builder.scalar(node.value, this.kindOf(node));
    }
    if (isSeq(node)) {
      this.checkTag(node, (tag) => PYYAML_COLLECTION_TAGS.has(tag));
      return this.builder.list(node.items.map((item) => this.build(item, inAlias)));
    }
    if (isMap(node)) {
      this.checkTag(node, (tag) => PYYAML_COLLECTION_TAGS.has(tag));
      return this.buildMap(node, inAlias);
    }
    throw new Error(`unexpected YAML node ${String(node)}`);
  }

  private kindOf(node: {
    value: unknown;
    source?: string;
    type?: string;
    tag?: string;
  }): PyScalarKind {
    if (this.options.version === "1.2" || node.source === undefined) return kindOfJs(node.value);
    return pyScalarKind(node.source, node.type === "PLAIN", node.tag);
  }

  private buildMap(node: YAMLMap, inAlias: boolean): T {
    const pairs =
      this.options.version === "1.1"
        ? this.flatten(node, inAlias)
        : node.items.map((pair) => ({ pair, inAlias }));
    const entries = new Map<string, { key: string; typedKey: T; value: T }>();
    for (const { pair, inAlias: copied } of pairs) {
      const key = this.key(pair.key, copied);
      if (key === undefined) continue;
      const value = this.build(pair.value, copied);
      const earlier = entries.get(key.key);
      if (earlier) earlier.value = value;
      else entries.set(key.key, { ...key, value });
    }
    return this.builder.map([...entries.values()]);
  }

  private key(node: unknown, inAlias: boolean): { key: string; typedKey: T } | undefined {
    const keyNode = isAlias(node) ? this.expand(node, inAlias) : node;
    if (keyNode === null || keyNode === undefined) {
      const key = this.options.version === "1.1" ? "None" : "";
      return { key, typedKey: this.builder.scalar(null, "null") };
    }
    if (!isScalar(keyNode)) {
      this.problems.push(
        new UserError(
          "a mapping or a list cannot be a key; use a plain string key",
          this.at(keyNode),
        ),
      );
      return undefined;
    }
    if (keyNode.value === VALUE_KEY) return { key: "=", typedKey: this.builder.scalar("=", "str") };
    const kind = this.kindOf(keyNode);
    const key =
      this.options.version === "1.1" ? pyKeyString(keyNode.value, kind) : String(keyNode.value);
    return { key, typedKey: this.build(keyNode, true) };
  }

  /**
   * SafeConstructor.flatten_mapping: the pairs merged in by `<<` come first (a list of maps:
   * the earlier map wins), then the map's own pairs, which override them.
   */
  private flatten(node: YAMLMap, inAlias: boolean): PendingPair[] {
    const merged: PendingPair[] = [];
    const own: PendingPair[] = [];
    for (const pair of node.items as Pair<unknown, unknown>[]) {
      if (!(isScalar(pair.key) && pair.key.value === MERGE_KEY)) {
        own.push({ pair, inAlias });
        continue;
      }
      const sources = this.mergeSources(pair.value, inAlias);
      for (const source of sources.reverse()) merged.push(...source);
    }
    return [...merged, ...own];
  }

  private mergeSources(value: unknown, inAlias: boolean): PendingPair[][] {
    const resolve = (n: unknown): { node: unknown; inAlias: boolean } =>
      isAlias(n) ? { node: this.expand(n, inAlias), inAlias: true } : { node: n, inAlias };
    const { node, inAlias: copied } = resolve(value);
    if (isMap(node)) return [this.flatten(node, copied)];
    if (isSeq(node)) {
      return node.items.flatMap((item) => {
        const sub = isAlias(item)
          ? { node: this.expand(item, copied), inAlias: true }
          : { node: item, inAlias: copied };
        if (isMap(sub.node)) return [this.flatten(sub.node, sub.inAlias)];
        this.problems.push(
          new UserError("a merge key << list must hold only mappings", this.at(sub.node)),
        );
        return [];
      });
    }
    this.problems.push(
      new UserError(
        "a merge key << needs a mapping or a list of mappings (e.g. <<: *defaults)",
        this.at(node ?? value),
      ),
    );
    return [];
  }
}

/**
 * The value of a parsed document, built node by node (instead of `doc.toJS()`) so that alias
 * bombs, unknown tags and bad merges are errors at their line, and YAML 1.1 documents follow
 * PyYAML's construction rules exactly.
 */
export function constructYaml<T>(
  doc: Document.Parsed,
  builder: YamlBuilder<T>,
  options: ConstructOptions,
): T {
  const building = new Constructor(doc, builder, options);
  const value = building.build(doc.contents);
  const { problems } = building;
  if (problems.length > 0) throw problems.length === 1 ? problems[0]! : new UserErrors(problems);
  return value;
}

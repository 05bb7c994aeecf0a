/** The `loop` variable inside `{% for %}`: index, first/last, neighbours, `cycle()`, `changed()`. */
import { MISSING, type PythonAttributes } from "./attribute-access.js";
import { PyFunction } from "./python-methods.js";
import { pyEquals } from "./python-operators.js";
import { Undefined } from "./python-values.js";
import { TemplateRenderError } from "./template-errors.js";

export class LoopContext implements PythonAttributes {
  readonly pythonTypeName = "LoopContext";
  index0 = 0;
  private lastChanged: unknown[] | undefined;

  constructor(
    private readonly items: unknown[],
    private readonly depth0: number,
  ) {}

  pythonAttribute(name: string): unknown {
    const length = this.items.length;
    const i = this.index0;
    switch (name) {
      case "index0":
        return i;
      case "index":
        return i + 1;
      case "revindex":
        return length - i;
      case "revindex0":
        return length - i - 1;
      case "first":
        return i === 0;
      case "last":
        return i === length - 1;
      case "length":
        return length;
      case "depth":
        return this.depth0 + 1;
      case "depth0":
        return this.depth0;
      case "previtem":
        return i > 0
          ? this.items[i - 1]
          : new Undefined("previtem", { hint: "there is no previous item" });
      case "nextitem":
        return i < length - 1
          ? this.items[i + 1]
          : new Undefined("nextitem", { hint: "there is no next item" });
      case "cycle":
        return new PyFunction(
          "cycle",
          (args) => {
            if (args.length === 0)
              throw new TemplateRenderError("no items for cycling given", "TypeError");
            return args[i % args.length];
          },
          undefined,
          `<bound method LoopContext.cycle of ${this.toString()}>`,
        );
      case "changed":
        return new PyFunction(
          "changed",
          (args) => {
            if (this.lastChanged !== undefined && pyEquals(this.lastChanged, args)) return false;
            this.lastChanged = args;
            return true;
          },
          undefined,
          `<bound method LoopContext.changed of ${this.toString()}>`,
        );
      default:
        return MISSING;
    }
  }

  toString(): string {
    return `<LoopContext ${this.index0 + 1}/${this.items.length}>`;
  }
}

/** Syntax tree of a parsed template. Every node carries the 1-based source line for errors. */

export type BinaryOperator = "+" | "-" | "*" | "/" | "//" | "%" | "**";
export type CompareOperator = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "notin";

export interface CallArguments {
  args: Expr[];
  kwargs: [string, Expr][];
  dynArgs?: Expr | undefined;
  dynKwargs?: Expr | undefined;
}

export type Expr =
  | { kind: "const"; value: unknown; line: number }
  | { kind: "name"; name: string; line: number }
  | { kind: "nsref"; name: string; attr: string; line: number }
  | { kind: "getattr"; object: Expr; attr: string; line: number }
  | { kind: "getitem"; object: Expr; key: Expr; line: number }
  | {
      kind: "slice";
      start?: Expr | undefined;
      stop?: Expr | undefined;
      step?: Expr | undefined;
      line: number;
    }
  | { kind: "list"; items: Expr[]; line: number }
  | { kind: "tuple"; items: Expr[]; line: number }
  | { kind: "dict"; pairs: [Expr, Expr][]; line: number }
  | { kind: "binary"; op: BinaryOperator; left: Expr; right: Expr; line: number }
  | { kind: "unary"; op: "-" | "+"; operand: Expr; line: number }
  | { kind: "not"; operand: Expr; line: number }
  | { kind: "and" | "or"; left: Expr; right: Expr; line: number }
  | { kind: "concat"; items: Expr[]; line: number }
  | { kind: "compare"; first: Expr; ops: { op: CompareOperator; operand: Expr }[]; line: number }
  | { kind: "condexpr"; test: Expr; value: Expr; otherwise?: Expr | undefined; line: number }
  | ({ kind: "filter"; operand: Expr | null; name: string; line: number } & CallArguments)
  | ({ kind: "test"; operand: Expr; name: string; line: number } & CallArguments)
  | ({ kind: "call"; callee: Expr; line: number } & CallArguments);

export type FilterExpr = Extract<Expr, { kind: "filter" }>;

export type Stmt =
  | { kind: "data"; text: string; line: number }
  | { kind: "output"; expr: Expr; line: number }
  | { kind: "if"; branches: { test: Expr; body: Stmt[] }[]; otherwise: Stmt[]; line: number }
  | {
      kind: "for";
      target: Expr;
      iterable: Expr;
      filter?: Expr | undefined;
      body: Stmt[];
      otherwise: Stmt[];
      recursive: boolean;
      line: number;
    }
  | { kind: "set"; target: Expr; value: Expr; line: number }
  | { kind: "setblock"; target: Expr; filter?: FilterExpr | undefined; body: Stmt[]; line: number }
  | { kind: "with"; targets: Expr[]; values: Expr[]; body: Stmt[]; line: number }
  | { kind: "include"; template: Expr; ignoreMissing: boolean; withContext: boolean; line: number }
  | { kind: "filterblock"; filter: FilterExpr; body: Stmt[]; line: number }
  | {
      kind: "macro";
      name: string;
      params: string[];
      defaults: Expr[];
      body: Stmt[];
      line: number;
    };

export interface TemplateAst {
  body: Stmt[];
}

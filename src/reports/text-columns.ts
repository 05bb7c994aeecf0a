/**
 * Rows of cells as left-aligned columns two spaces apart, trailing spaces trimmed: the one
 * plain-text table format of every console listing (verdicts, validate, prompts list).
 */
export function alignColumns(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return "";
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]?.length ?? 0)));
  return rows
    .map((r) =>
      r
        .map((cell, col) => cell.padEnd(widths[col]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

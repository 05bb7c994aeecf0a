import { describe, expect, it } from "vitest";
import { renderOpenMetrics, sanitizeLabelValue } from "../../src/reports/index.js";
import { matrixOf, plan, scored } from "./report-records.js";

describe("metrics.txt", () => {
  it("has a gauge line per pair for the rate and both interval ends, 4 decimals, and # EOF", () => {
    const entries = matrixOf(
      [plan("cg", "m1", { planned: 3 }), plan("cg", "m2", { planned: 3 })],
      scored("cg", "m1", [4, 2, 3]),
    );
    expect(
      renderOpenMetrics(entries),
    ).toBe(`# HELP evalgate_pass_rate Share of scored responses the judge rated 3 or 4.
# TYPE evalgate_pass_rate gauge
evalgate_pass_rate{feature="cg",model="m1"} 0.6667
# HELP evalgate_pass_rate_interval_low Lower end of the pass rate's 95% interval.
# TYPE evalgate_pass_rate_interval_low gauge
evalgate_pass_rate_interval_low{feature="cg",model="m1"} 0.2077
# HELP evalgate_pass_rate_interval_high Upper end of the pass rate's 95% interval.
# TYPE evalgate_pass_rate_interval_high gauge
evalgate_pass_rate_interval_high{feature="cg",model="m1"} 0.9385
# EOF
`);
  });

  it("keeps label values GitLab's reader cannot cut: no spaces, #, quotes or backslashes", () => {
    expect(sanitizeLabelValue('my model #2 "v1"\\x\ty')).toBe("my_model__2__v1__x_y");
    expect(sanitizeLabelValue("mistralai/Mistral-7B:v0.3")).toBe("mistralai/Mistral-7B:v0.3");
    const entries = matrixOf(
      [plan("f {x}", "m 1#a", { planned: 1 })],
      scored("f {x}", "m 1#a", [4]),
    );
    const line = renderOpenMetrics(entries).split("\n")[2]!;
    expect(line).toBe('evalgate_pass_rate{feature="f__x_",model="m_1_a"} 1.0000');
    // GitLab's reading: drop from `#` on, split like a shell; the name keeps both labels.
    const [name, value] = line.replace(/#.*$/, "").split(/\s+/);
    expect(name).toBe('evalgate_pass_rate{feature="f__x_",model="m_1_a"}');
    expect(value).toBe("1.0000");
  });
});

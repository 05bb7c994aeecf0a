import { describe, expect, it } from "vitest";
import type { CellRecord } from "../../src/core/types.js";
import { JUnitReportBuilder } from "../../src/reports/index.js";
import { parseXml, type XmlElement } from "../support/xml-well-formed.js";
import { matrixOf, plan, record, scored } from "./report-records.js";

function junit(records: CellRecord[], plans = [plan("cg", "m1")], options = {}) {
  const builder = new JUnitReportBuilder({ repeats: false, name: "evalgate demo", ...options });
  for (const r of records) builder.add(r);
  return builder.render(matrixOf(plans, records));
}

function cases(root: XmlElement): XmlElement[] {
  return root.children.flatMap((suite) => suite.children.filter((c) => c.name === "testcase"));
}

describe("junit.xml", () => {
  it("has a suite per pair and a case per cell: failure, error and skipped as GitLab reads them", () => {
    const records = [
      ...scored("cg", "m1", [4, 2]),
      record({
        feature: "cg",
        model: "m1",
        exampleId: "ex-3",
        status: "error",
        errorClass: "rate_limited",
        failedStage: "judge",
        reason: "429 after 5 attempts",
        latencyMs: 1500,
      }),
      record({
        feature: "cg",
        model: "m1",
        exampleId: "ex-4",
        status: "error",
        errorClass: "timeout",
        failedStage: "model",
        reason: "no answer in 60 s",
        judge: undefined,
      }),
      record({
        feature: "cg",
        model: "m1",
        exampleId: "ex-5",
        status: "unscored",
        reason: "judge_no_score",
      }),
    ];
    expect(junit(records)).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="evalgate demo" tests="5" failures="1" errors="2" skipped="1" time="2.500">
  <testsuite name="cg/m1" tests="5" failures="1" errors="2" skipped="1" time="2.500">
    <properties><property name="verdict" value="insufficient"/><property name="pass_rate" value="0.5000"/><property name="threshold" value="0.8000"/><property name="judge" value="judge-a"/><property name="missing_cells" value="0"/></properties>
    <testcase classname="cg/m1" name="ex-1" time="0.250"/>
    <testcase classname="cg/m1" name="ex-2" time="0.250"><failure type="low_score" message="score 2 of 4 (a pass needs 3), judged by judge-a">score 2 of 4 (a pass needs 3), judged by judge-a
missed point 2</failure></testcase>
    <testcase classname="cg/m1" name="ex-3" time="1.500"><error type="rate_limited" message="rate_limited: the judge judge-a failed, not the model under test">rate_limited: the judge judge-a failed, not the model under test
429 after 5 attempts</error></testcase>
    <testcase classname="cg/m1" name="ex-4" time="0.250"><error type="timeout" message="timeout: the call to the model under test (m1) failed">timeout: the call to the model under test (m1) failed
no answer in 60 s</error></testcase>
    <testcase classname="cg/m1" name="ex-5" time="0.250"><skipped message="unscored: judge_no_score"/></testcase>
  </testsuite>
</testsuites>
`);
  });

  it("stays well-formed with hostile ids, reasoning and errors, and keeps their text", () => {
    const hostile =
      "a</testcase>]]><![CDATA[x]]>\"'&amp;<script>\u0000\u0007\u001b\uFFFE\uD800 @here";
    const records = [
      record({
        feature: "f<&>",
        model: 'm"1',
        exampleId: hostile,
        score: 1,
        judgeExplanation: hostile,
      }),
      record({
        feature: "f<&>",
        model: 'm"1',
        exampleId: "e2",
        status: "error",
        errorClass: "server",
        reason: hostile,
      }),
      record({
        feature: "f<&>",
        model: 'm"1',
        exampleId: "e3",
        status: "unscored",
        reason: hostile,
      }),
    ];
    const xml = junit(records, [plan("f<&>", 'm"1')]);
    const root = parseXml(xml);
    const visible = "a</testcase>]]><![CDATA[x]]>\"'&amp;<script> @here";
    const [first, second, third] = cases(root);
    expect(root.children[0]!.attributes.name).toBe('f<&>/m"1');
    // A name keeps forbidden characters visible, spelled out, so distinct ids stay distinct.
    expect(first!.attributes).toEqual({
      classname: 'f<&>/m"1',
      name: "a</testcase>]]><![CDATA[x]]>\"'&amp;<script>\\u{0}\\u{7}\\u{1b}\\u{fffe}\\u{d800} @here",
      time: "0.250",
    });
    expect(first!.children[0]!.text).toBe(
      `score 1 of 4 (a pass needs 3), judged by judge-a\n${visible}`,
    );
    expect(second!.children[0]!.text).toBe(
      `server: the call to the model under test (m"1) failed\n${visible}`,
    );
    expect(third!.children[0]!.attributes.message).toBe(`unscored: ${visible}`);
  });

  it("names repeats id#repeat, keeps names unique, and bounds every message", () => {
    const long = "y".repeat(5000);
    const records = [0, 1].flatMap((repeat) =>
      ["a", "a\u0000"].map((id) =>
        record({
          feature: "cg",
          model: "m1",
          exampleId: id,
          repeat,
          score: 1,
          judgeExplanation: long,
        }),
      ),
    );
    const root = parseXml(junit(records, [plan("cg", "m1", { planned: 4 })], { repeats: true }));
    expect(cases(root).map((c) => c.attributes.name)).toEqual([
      "a#0",
      "a\\u{0}#0",
      "a#1",
      "a\\u{0}#1",
    ]);
    const full = `score 1 of 4 (a pass needs 3), judged by judge-a\n${long}`;
    expect(cases(root)[0]!.children[0]!.text).toBe(
      `${full.slice(0, 4000)}… [truncated: ${full.length - 4000} more characters; the full text is in journal.jsonl]`,
    );
  });

  it("keeps names unique when a repeat shows up in a run folder that records none", () => {
    const records = [
      record({ feature: "cg", model: "m1", exampleId: "x#1", score: 4 }),
      record({ feature: "cg", model: "m1", exampleId: "x", repeat: 1, score: 4 }),
      record({ feature: "cg", model: "m1", exampleId: "x\\y", score: 4 }),
    ];
    const names = cases(parseXml(junit(records, [plan("cg", "m1", { planned: 3 })])));
    expect(names.map((c) => c.attributes.name)).toEqual(["x#1", "x#1 (2)", "x\\\\y"]);
  });

  it("shrinks messages to a line once its size budget is spent", () => {
    const long = "z".repeat(3000);
    const records = Array.from({ length: 10 }, (_, i) =>
      record({ feature: "cg", model: "m1", exampleId: `e${i}`, score: 1, judgeExplanation: long }),
    );
    const xml = junit(records, [plan("cg", "m1", { planned: 10 })], { bodyBudget: 9_000 });
    const lengths = cases(parseXml(xml)).map((c) => c.children[0]!.text.length);
    expect(lengths.slice(0, 3).every((n) => n > 3000)).toBe(true);
    expect(lengths.slice(3).every((n) => n < 300)).toBe(true);
    expect(xml.length).toBeLessThan(16_000);
  });
});

describe("the strict XML reader the report tests rely on", () => {
  it.each([
    ["<a>]]></a>", /\]\]> in character data/],
    ['<a b="<"/>', /malformed <a>/],
    ["<a><b></a>", /<\/a> closes <b>/],
    ["<a>\u0001</a>", /forbids/],
    ["<a>&foo;</a>", /unknown entity &foo;/],
    ["<a>&</a>", /bare &/],
    ['<a b="1" b="2"/>', /duplicate attribute b/],
    ["<a><![CDATA[x]]></a>", /unexpected markup/],
    ["<a/><b/>", /a second root/],
    ["<a>", /never closed/],
  ])("refuses %j", (xml, error) => {
    expect(() => parseXml(xml)).toThrow(error);
  });
});

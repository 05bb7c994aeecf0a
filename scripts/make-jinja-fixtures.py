#!/usr/bin/env python3
"""Render every case in test/fixtures/jinja/cases/*.yaml with Python Jinja2 and record the result.

This is the reference evalgate's TypeScript engine is held to (test/prompts/jinja-parity.test.ts).
Every case is rendered in two environments, both with Jinja2's default `Undefined`, no autoescape
and default whitespace rules, as the AI gateway configures them:

- gateway (expected/<topic>.json): the gateway as it runs today, `PromptSandboxedEnvironment` in
  ai_gateway/prompts/base.py at gateway commit eee38f6f4 (2026-08-22). `GatewaySandbox` below is
  our own equivalent of that class (an ImmutableSandboxedEnvironment that refuses `*` and `**`,
  every call and every callable attribute), with the gateway's `split` and `parse_json` filters.
- legacy (expected-legacy/<topic>.json): the gateway before commit 0155540de (2026-02-06), i.e.
  at 0155540de^: a plain `SandboxedEnvironment`, no custom filters.

A case file is a YAML list of cases:

    - name: for-loop-index          # unique across all files
      template: "{% for x in xs %}{{ loop.index }}{% endfor %}"
      partials: {"chat/a.jinja": "..."}   # optional, for {% include %}
      context: {xs: [1, 2]}               # optional
      expect_error: gateway               # optional: gateway | legacy | both; checked below
      budget_exceeded: {legacy: 1}        # optional: Python would run for hours in that mode;
                                          # evalgate must stop it at that line (not rendered here)

For each file `<topic>.yaml` the script writes `expected/<topic>.json` and
`expected-legacy/<topic>.json`: case name -> either {"output": "..."} or
{"error": {"type", "message", "template", "line"}}. Object addresses (` at 0x7f…`) in outputs and
messages are removed, so results are deterministic.

Re-runnable: `python3 scripts/make-jinja-fixtures.py` (needs Jinja2 3.1.x, PyYAML).
"""

import json
import re
import sys
import traceback
from pathlib import Path
from typing import Any, Optional

import jinja2
import yaml
from jinja2 import BaseLoader, TemplateNotFound, TemplateSyntaxError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "test" / "fixtures" / "jinja" / "cases"
EXPECTED = {
    "gateway": ROOT / "test" / "fixtures" / "jinja" / "expected",
    "legacy": ROOT / "test" / "fixtures" / "jinja" / "expected-legacy",
}
MAIN = "main"
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
PARSE_JSON_MAX_INPUT_LENGTH = 1_000_000


class CaseLoader(BaseLoader):
    """Like DictLoader, but reports the template name as its filename so tracebacks name it."""

    def __init__(self, mapping):
        self.mapping = mapping

    def get_source(self, environment, template):
        if template not in self.mapping:
            raise TemplateNotFound(template)
        return self.mapping[template], template, lambda: True


class GatewaySandbox(ImmutableSandboxedEnvironment):
    """The rules of the gateway's PromptSandboxedEnvironment (ai_gateway/prompts/base.py, eee38f6f4)."""

    refused_binops = frozenset(["*", "**"])
    intercepted_binops = refused_binops

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return not callable(value) and super().is_safe_attribute(obj, attr, value)

    def is_safe_callable(self, obj: Any) -> bool:
        return False

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator in self.refused_binops:
            raise SecurityError("Multiplication operators are not allowed in prompt templates")
        return super().call_binop(context, operator, left, right)


def gateway_split(value: Any, delimiter: str = " ", maxsplit: Optional[int] = None) -> list:
    """The gateway's `split` filter: a str() of anything, split on one space by default."""
    if delimiter == "":
        raise SecurityError("Empty delimiter is not allowed for split filter")
    return str(value).split(delimiter, -1 if maxsplit is None else maxsplit)


def gateway_parse_json(value: Any) -> Any:
    """The gateway's `parse_json` filter: strings only, capped length, any JSON error refused."""
    if not isinstance(value, str):
        raise SecurityError("Value for parse_json must be string.")
    if len(value) > PARSE_JSON_MAX_INPUT_LENGTH:
        raise SecurityError(
            "Input to parse_json filter exceeds maximum allowed length of"
            f" {PARSE_JSON_MAX_INPUT_LENGTH} characters"
        )
    try:
        return json.loads(value)
    except Exception as error:
        raise SecurityError("Invalid json value") from error


def make_environment(templates, mode):
    loader = CaseLoader(templates)
    if mode == "legacy":
        return SandboxedEnvironment(loader=loader)
    env = GatewaySandbox(loader=loader)
    env.filters["split"] = gateway_split
    env.filters["parse_json"] = gateway_parse_json
    return env


def integral_floats_to_int(value):
    """The TS side receives contexts as JS numbers, where 2.0 is 2: mirror that here."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [integral_floats_to_int(v) for v in value]
    if isinstance(value, dict):
        return {k: integral_floats_to_int(v) for k, v in value.items()}
    return value


def expand_context(value):
    """`{__repeat__: "ab", times: 3, prefix: "x"}` in a context stands for a long string ("xababab")."""
    if isinstance(value, dict) and "__repeat__" in value:
        return value.get("prefix", "") + value["__repeat__"] * value["times"]
    if isinstance(value, list):
        return [expand_context(v) for v in value]
    if isinstance(value, dict):
        return {k: expand_context(v) for k, v in value.items()}
    return value


def error_location(error, names):
    if isinstance(error, TemplateSyntaxError):
        return error.name, error.lineno
    template, line = None, None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename in names:
            template, line = frame.filename, frame.lineno
    return template, line


def render_case(case, mode):
    budget_line = (case.get("budget_exceeded") or {}).get(mode)
    if budget_line is not None:
        return {"error": {"type": "RenderBudgetError", "message": None, "template": MAIN, "line": budget_line}}
    templates = dict(case.get("partials") or {})
    templates[MAIN] = case["template"]
    env = make_environment(templates, mode)
    context = expand_context(integral_floats_to_int(case.get("context") or {}))
    try:
        return {"output": ADDRESS.sub("", env.get_template(MAIN).render(context))}
    except Exception as error:  # noqa: BLE001 - every failure is data for the parity test
        template, line = error_location(error, set(templates))
        return {
            "error": {
                "type": type(error).__name__,
                "message": ADDRESS.sub("", str(error)),
                "template": template,
                "line": line,
            }
        }


def expected_error_modes(case):
    declared = case.get("expect_error")
    if declared in (None, False):
        return set()
    if declared in (True, "both"):
        return {"gateway", "legacy"}
    return {declared}


def main():
    if not jinja2.__version__.startswith("3.1."):
        sys.exit(f"expected Jinja2 3.1.x, found {jinja2.__version__}")
    for folder in EXPECTED.values():
        folder.mkdir(parents=True, exist_ok=True)
    seen = set()
    problems = []
    total = 0
    for case_file in sorted(CASES.glob("*.yaml")):
        cases = yaml.safe_load(case_file.read_text(encoding="utf-8")) or []
        results = {mode: {} for mode in EXPECTED}
        for case in cases:
            name = case["name"]
            if name in seen:
                problems.append(f"{case_file.name}: duplicate case name {name!r}")
            seen.add(name)
            failing = set()
            for mode in EXPECTED:
                result = render_case(case, mode)
                if "error" in result:
                    failing.add(mode)
                results[mode][name] = result
            if failing != expected_error_modes(case):
                modes = ", ".join(sorted(failing)) or "none"
                problems.append(f"{case_file.name}: {name}: expect_error does not match (errors in: {modes})")
            total += 1
        for mode, folder in EXPECTED.items():
            out = folder / f"{case_file.stem}.json"
            out.write_text(
                json.dumps(results[mode], indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                encoding="utf-8",
            )
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"wrote expected results for {total} cases in 2 environments (Jinja2 {jinja2.__version__})")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

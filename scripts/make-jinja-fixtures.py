#!/usr/bin/env python3
"""Render every case in test/fixtures/jinja/cases/*.yaml with Python Jinja2 and record the result.

This is the reference evalgate's TypeScript engine is held to (test/prompts/jinja-parity.test.ts).
The environment is the AI gateway's: SandboxedEnvironment, StrictUndefined, no autoescape,
default whitespace rules, plus the gateway's `split` and `parse_json` filters.

A case file is a YAML list of cases:

    - name: for-loop-index          # unique across all files
      template: "{% for x in xs %}{{ loop.index }}{% endfor %}"
      partials: {"chat/a.jinja": "..."}   # optional, for {% include %}
      context: {xs: [1, 2]}               # optional
      expect_error: true                  # optional, documents intent; checked below

For each file `<topic>.yaml` the script writes `expected/<topic>.json`: case name -> either
{"output": "..."} or {"error": {"type", "message", "template", "line"}}.

Deterministic and re-runnable: `python3 scripts/make-jinja-fixtures.py` (needs Jinja2 3.1.x, PyYAML).
"""

import json
import sys
import traceback
from pathlib import Path

import jinja2
import yaml
from jinja2 import BaseLoader, StrictUndefined, TemplateNotFound, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "test" / "fixtures" / "jinja" / "cases"
EXPECTED = ROOT / "test" / "fixtures" / "jinja" / "expected"
MAIN = "main"


class CaseLoader(BaseLoader):
    """Like DictLoader, but reports the template name as its filename so tracebacks name it."""

    def __init__(self, mapping):
        self.mapping = mapping

    def get_source(self, environment, template):
        if template not in self.mapping:
            raise TemplateNotFound(template)
        return self.mapping[template], template, lambda: True


def split_filter(value, sep=None):
    return value.split(sep)


def make_environment(templates):
    env = SandboxedEnvironment(
        loader=CaseLoader(templates), undefined=StrictUndefined, autoescape=False
    )
    env.filters["split"] = split_filter
    env.filters["parse_json"] = json.loads
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


def error_location(error, names):
    if isinstance(error, TemplateSyntaxError):
        return error.name, error.lineno
    template, line = None, None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename in names:
            template, line = frame.filename, frame.lineno
    return template, line


def render_case(case):
    templates = dict(case.get("partials") or {})
    templates[MAIN] = case["template"]
    env = make_environment(templates)
    context = integral_floats_to_int(case.get("context") or {})
    try:
        return {"output": env.get_template(MAIN).render(context)}
    except Exception as error:  # noqa: BLE001 - every failure is data for the parity test
        template, line = error_location(error, set(templates))
        return {
            "error": {
                "type": type(error).__name__,
                "message": str(error),
                "template": template,
                "line": line,
            }
        }


def main():
    if not jinja2.__version__.startswith("3.1."):
        sys.exit(f"expected Jinja2 3.1.x, found {jinja2.__version__}")
    EXPECTED.mkdir(parents=True, exist_ok=True)
    seen = set()
    problems = []
    total = 0
    for case_file in sorted(CASES.glob("*.yaml")):
        cases = yaml.safe_load(case_file.read_text(encoding="utf-8")) or []
        results = {}
        for case in cases:
            name = case["name"]
            if name in seen:
                problems.append(f"{case_file.name}: duplicate case name {name!r}")
            seen.add(name)
            result = render_case(case)
            if bool(case.get("expect_error")) != ("error" in result):
                problems.append(f"{case_file.name}: {name}: expect_error does not match {result}")
            results[name] = result
            total += 1
        out = EXPECTED / f"{case_file.stem}.json"
        out.write_text(
            json.dumps(results, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
        )
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"wrote expected results for {total} cases (Jinja2 {jinja2.__version__})")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

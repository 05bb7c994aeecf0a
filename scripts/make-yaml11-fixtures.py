#!/usr/bin/env python3
"""Write the values PyYAML's safe_load gives evalgate's YAML 1.1 test documents.

For every test/fixtures/yaml11/<name>.yaml this writes <name>.expected.json: the value
`yaml.safe_load` builds, with each scalar's Python type kept (JSON alone would lose int
against float):

  {"str": "..."} {"int": "8192"} {"float": "1.0"} {"bool": true} {"null": null}
  {"timestamp": "<str() of the date or datetime>"}
  {"list": [...]} {"map": [[key, value], ...]}   (keys typed too, in dict order)

It mirrors PyYAML 6.0.3 (yaml/resolver.py `Resolver.add_implicit_resolver` and
yaml/constructor.py `SafeConstructor`), which the AI gateway uses to read its prompt
definitions. test/config/yaml11.test.ts compares evalgate's reader against these files;
the tests never run Python. Run after editing a document:

  python3 scripts/make-yaml11-fixtures.py
"""

import datetime
import json
import pathlib
import sys

import yaml

PYYAML_VERSION = "6.0.3"
FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "yaml11"


def typed(value):
    # bool before int: bool is a subclass of int in Python.
    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, int):
        return {"int": str(value)}
    if isinstance(value, float):
        return {"float": repr(value)}
    if value is None:
        return {"null": None}
    if isinstance(value, str):
        return {"str": value}
    if isinstance(value, (datetime.date, datetime.datetime)):
        return {"timestamp": str(value)}
    if isinstance(value, list):
        return {"list": [typed(item) for item in value]}
    if isinstance(value, dict):
        return {"map": [[typed(k), typed(v)] for k, v in value.items()]}
    raise TypeError(f"no typed form for {type(value).__name__}")


def main():
    if yaml.__version__ != PYYAML_VERSION:
        sys.exit(f"PyYAML {yaml.__version__} installed; these fixtures mirror {PYYAML_VERSION}")
    for source in sorted(FIXTURES.glob("*.yaml")):
        value = yaml.safe_load(source.read_text(encoding="utf-8"))
        target = source.with_suffix(".expected.json")
        target.write_text(json.dumps(typed(value), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {target.relative_to(FIXTURES.parent.parent.parent)}")


if __name__ == "__main__":
    main()

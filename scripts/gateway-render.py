#!/usr/bin/env python3
"""Render prompt definitions the way the AI gateway does, without importing the gateway.

This is evalgate's reference for gateway parity: `bench/template-parity.ts --definitions DIR`
runs it on a real definitions tree and `scripts/make-gateway-fixtures.sh` uses it to write the
expected outputs under test/fixtures/gateway/expected/. It needs only Python 3, Jinja2 3.1 and
PyYAML (the gateway's own versions of both).

What it mirrors, at gateway commit eee38f6f4 (2026-08-22, github.com/movax01h/ai-gateway):
  ai_gateway/prompts/base.py
    PromptSandboxedEnvironment  ImmutableSandboxedEnvironment; `*` and `**` intercepted
                                (SecurityError); is_safe_callable always False; an attribute
                                whose value is callable is unsafe; default Undefined;
                                loader over the definitions folder.
    split_filter, parse_json    the two filters the gateway registers.
    _get_jinja2_variables_from_template
                                the input variables LangChain requires: undeclared variables
                                of the template plus those of templates it includes by
                                literal name, one level deep.
    jinja2_formatter            every message template is rendered with the sandbox above.
  lib/prompts/utilities.py
    prompt_template_to_messages roles in the template's key order; `placeholder: NAME`
                                splices messages from input NAME; a list of strings is one
                                message per string; the rendered security block (+ "\n\n") is
                                prepended to the source of the first role starting with
                                "system"; an optional `history` placeholder is appended when
                                no placeholder is named `history`.
    render_security_block       common/tool_output_security/1.0.0.jinja rendered by a plain
                                jinja2 Environment with `suffix`.
  langchain_core ChatPromptTemplate / MessagesPlaceholder
                                a missing required input is refused before anything renders;
                                a placeholder value must be a list of {role, content} messages.

--gateway-version selects older behaviour (evalgate's `gateway_version` key):
  current  eee38f6f4 (2026-08-22), as above
  2026-03  a335cc349 (2026-03-24): as current, but no automatic `history` placeholder
  2026-02  0155540de (2026-02-06): as 2026-03, but no security block
  2026-01  0155540de^: jinja2 SandboxedEnvironment (calls to safe methods and mutation
           allowed), no `split` / `parse_json` filters, no security block, no history

Usage:
  scripts/gateway-render.py --root DEFINITIONS_DIR --jobs JOBS.json [--out OUT.json]
                            [--gateway-version current|2026-03|2026-02|2026-01] [--with-jobs]

JOBS.json: [{"definition": "<path relative to the root>", "inputs": {...}, "suffix": "...",
             "gateway_version": "<optional per-job override>"}, ...]
Output: one entry per job, in order: {"messages": [{"role", "content"}]} or
  {"error": {"type", "message", "role"?, "template"?, "line"?, "variables"?}}.
  Roles are evalgate's: system, user, assistant. With --with-jobs each entry also carries the
  job's own keys (the fixture format).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import sys
import traceback
from typing import Any

import yaml
from jinja2 import BaseLoader, Environment, FileSystemLoader, meta
from jinja2.exceptions import SecurityError, TemplateError, TemplateNotFound
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment

MODES = ("current", "2026-03", "2026-02", "2026-01")
SECURITY_PARTIAL = "common/tool_output_security/1.0.0.jinja"
PARSE_JSON_LIMIT = 1_000_000
DEFAULT_SUFFIX = "0000000000000000"
# PromptConfig's fields (ai_gateway/prompts/config/base.py, extra=forbid); registry files
# may say unit_primitives instead of unit_primitive.
DEFINITION_KEYS = {
    "name",
    "model",
    "unit_primitive",
    "unit_primitives",
    "prompt_template",
    "params",
    "operation_type",
}


class GatewaySandbox(ImmutableSandboxedEnvironment):
    """Today's prompt sandbox: no calls, no callable attributes, no multiplication."""

    intercepted_binops = frozenset({"*", "**"})

    def is_safe_callable(self, obj: Any) -> bool:
        return False

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return not callable(value) and super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator in self.intercepted_binops:
            raise SecurityError("Multiplication operators are not allowed in prompt templates")
        return super().call_binop(context, operator, left, right)


def split_filter(value: Any, delimiter: str = " ", maxsplit: int | None = None) -> list[str]:
    if delimiter == "":
        raise SecurityError("Empty delimiter is not allowed for split filter")
    return str(value).split(delimiter, -1 if maxsplit is None else maxsplit)


def parse_json_filter(value: Any) -> Any:
    if not isinstance(value, str):
        raise SecurityError("Value for parse_json must be string.")
    if len(value) > PARSE_JSON_LIMIT:
        raise SecurityError(
            "Input to parse_json filter exceeds maximum allowed length of "
            f"{PARSE_JSON_LIMIT} characters"
        )
    try:
        return json.loads(value)
    except Exception as err:
        raise SecurityError("Invalid json value") from err


class MissingInputError(Exception):
    """LangChain's KeyError for inputs the templates need but the caller did not give."""

    def __init__(self, missing: list[str]):
        super().__init__(f"Input to ChatPromptTemplate is missing variables {missing}")
        self.variables = missing


class DefinitionError(Exception):
    """The definition file itself is not what PromptConfig accepts."""


class Gateway:
    def __init__(self, root: str, mode: str):
        self.root = root
        self.mode = mode
        self.loader = FileSystemLoader(root)
        # Definitions share sources across jobs; the gateway, too, builds each prompt once.
        self.compiled: dict[str, Any] = {}
        self.required: dict[str, set[str]] = {}
        self.definitions: dict[str, dict[str, Any]] = {}
        self.block_template: Any = None
        if mode == "2026-01":
            self.env: Environment = SandboxedEnvironment(loader=self.loader)
        else:
            self.env = GatewaySandbox(loader=self.loader)
            self.env.filters["split"] = split_filter
            self.env.filters["parse_json"] = parse_json_filter
        security = os.path.join(root, *SECURITY_PARTIAL.split("/"))
        self.security_source = None
        if mode in ("current", "2026-03") and os.path.isfile(security):
            with open(security, encoding="utf-8") as f:
                self.security_source = f.read()

    def security_block(self, suffix: str) -> str:
        """render_security_block: a plain Environment, not the sandbox, renders the partial."""
        if self.block_template is None:
            self.block_template = Environment(loader=BaseLoader()).from_string(
                self.security_source
            )
        return self.block_template.render(suffix=suffix) + "\n\n"

    def definition(self, relative: str) -> dict[str, Any]:
        if relative not in self.definitions:
            self.definitions[relative] = load_definition(
                os.path.join(self.root, *relative.split("/"))
            )
        return self.definitions[relative]

    def required_variables(self, source: str) -> set[str]:
        if source not in self.required:
            self.required[source] = self.find_required_variables(source)
        return self.required[source]

    def template(self, source: str) -> Any:
        if source not in self.compiled:
            self.compiled[source] = self.env.from_string(source)
        return self.compiled[source]

    def find_required_variables(self, source: str) -> set[str]:
        ast = self.env.parse(source)
        found = set(meta.find_undeclared_variables(ast))
        for name in meta.find_referenced_templates(ast):
            if not name:
                continue
            included, _, _ = self.loader.get_source(self.env, name)
            found |= meta.find_undeclared_variables(self.env.parse(included))
        return found

    def message_templates(self, template: dict[str, Any], suffix: str) -> list[tuple]:
        """prompt_template_to_messages: ("role", source) or ("placeholder", name, optional)."""
        entries: list[tuple] = []
        block_added = self.security_source is None
        for role, content in template.items():
            if role == "placeholder":
                entries.append(("placeholder", content, False))
                continue
            for source in [content] if isinstance(content, str) else content:
                if not block_added and role.startswith("system"):
                    source = self.security_block(suffix) + source
                    block_added = True
                entries.append((role, source))
        if self.mode == "current" and not any(
            e[0] == "placeholder" and e[1] == "history" for e in entries
        ):
            entries.append(("placeholder", "history", True))
        return entries

    def render(self, definition: str, inputs: dict[str, Any], suffix: str) -> list[dict]:
        config = self.definition(definition)
        entries = self.message_templates(config["prompt_template"], suffix)
        # ChatPromptTemplate.from_messages: every template is parsed (and its literal
        # includes read) when the prompt is built, before any input is looked at.
        required: set[str] = set()
        for entry in entries:
            if entry[0] == "placeholder":
                if not entry[2]:
                    required.add(entry[1])
            else:
                check_role(entry[0])
                required |= self.required_variables(entry[1])
        missing = sorted(required - inputs.keys())
        if missing:
            raise MissingInputError(missing)
        messages: list[dict] = []
        for entry in entries:
            if entry[0] == "placeholder":
                messages.extend(placeholder_messages(entry[1], inputs, entry[2]))
                continue
            role, source = entry
            try:
                content = self.template(source).render(**inputs)
            except Exception as err:
                err.gateway_role = role  # type: ignore[attr-defined]
                raise
            messages.append({"role": evalgate_role(role), "content": content})
        return messages


def load_definition(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        config = yaml.safe_load(f)
    if not isinstance(config, dict):
        raise DefinitionError("a definition must be a mapping")
    unknown = sorted(set(config) - DEFINITION_KEYS)
    if unknown:
        raise DefinitionError(f"extra fields not permitted: {', '.join(unknown)}")
    template = config.get("prompt_template")
    if not isinstance(template, dict) or not all(
        isinstance(v, str) or (isinstance(v, list) and all(isinstance(i, str) for i in v))
        for v in template.values()
    ):
        raise DefinitionError("prompt_template must map roles to a string or a list of strings")
    return config


LANGCHAIN_ROLES = {
    "user": "user",
    "human": "user",
    "assistant": "assistant",
    "ai": "assistant",
    "system": "system",
}


def check_role(role: str) -> None:
    if role not in LANGCHAIN_ROLES:
        raise ValueError(
            f"Unexpected message type: {role}. Use one of 'human', 'user', 'ai', "
            "'assistant', or 'system'."
        )


def evalgate_role(role: str) -> str:
    return LANGCHAIN_ROLES[role]


def placeholder_messages(name: str, inputs: dict[str, Any], optional: bool) -> list[dict]:
    value = inputs.get(name, []) if optional else inputs[name]
    if not isinstance(value, list):
        raise ValueError(
            f"variable {name} should be a list of base messages, got {value!r} of type {type(value)}"
        )
    messages = []
    for item in value:
        if isinstance(item, str):
            messages.append({"role": "user", "content": item})
            continue
        if not isinstance(item, dict) or "content" not in item or "role" not in item:
            raise ValueError("Message dict must contain 'role' and 'content' keys")
        role = LANGCHAIN_ROLES.get(item["role"], "system" if item["role"] == "developer" else None)
        if role is None:
            raise ValueError(f"Unexpected message type: '{item['role']}'.")
        messages.append({"role": role, "content": item["content"] or ""})
    return messages


def template_position(err: BaseException, root: str) -> dict[str, Any]:
    """Where in which template the error was raised (Jinja rewrites template frames)."""
    if getattr(err, "lineno", None) is not None:
        name = getattr(err, "name", None) or getattr(err, "filename", None)
        # "<introspection>" is meta's own compile of a role template: report it as the role's.
        if name is not None and name.startswith("<"):
            name = None
        return {"template": name, "line": err.lineno}  # type: ignore[attr-defined]
    position: dict[str, Any] = {}
    real_root = os.path.realpath(root)
    for frame in traceback.extract_tb(err.__traceback__):
        if frame.filename == "<template>":
            position = {"template": None, "line": frame.lineno}
        elif frame.filename.startswith(real_root + os.sep) or frame.filename.startswith(
            root + os.sep
        ):
            if frame.filename.endswith(".py"):
                continue
            rel = os.path.relpath(os.path.realpath(frame.filename), real_root)
            position = {"template": rel.replace(os.sep, "/"), "line": frame.lineno}
    return position


def describe_error(err: BaseException, root: str) -> dict[str, Any]:
    if isinstance(err, MissingInputError):
        return {"type": "MissingInputError", "message": str(err), "variables": err.variables}
    message = err.message if isinstance(err, TemplateError) else str(err)
    if isinstance(err, TemplateNotFound):
        message = f"template not found: {err.name}"
    # Object reprs carry memory addresses; drop them so outputs are reproducible.
    message = re.sub(r" at 0x[0-9a-fA-F]+", "", message or "")
    described: dict[str, Any] = {"type": type(err).__name__, "message": message}
    if getattr(err, "gateway_role", None):
        described["role"] = evalgate_role(err.gateway_role)  # type: ignore[attr-defined]
    described.update({k: v for k, v in template_position(err, root).items() if v is not None})
    return described


def run_job(gateways: dict[str, Gateway], root: str, default_mode: str, job: dict) -> dict:
    mode = job.get("gateway_version", default_mode)
    if mode not in MODES:
        return {"error": {"type": "UsageError", "message": f"unknown gateway_version {mode}"}}
    gateway = gateways.setdefault(mode, Gateway(root, mode))
    try:
        # A copy: under 2026-01 a template may mutate its inputs (`xs.append(1)`), and the job
        # echoed beside the result must stay what was asked.
        inputs = copy.deepcopy(job.get("inputs", {}))
        messages = gateway.render(job["definition"], inputs, job.get("suffix", DEFAULT_SUFFIX))
    except Exception as err:  # every failure is a result to compare, never a crash
        return {"error": describe_error(err, root)}
    return {"messages": messages}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", required=True, help="the definitions folder")
    parser.add_argument("--jobs", required=True, help="JSON file of jobs")
    parser.add_argument("--out", help="write the results here (default: stdout)")
    parser.add_argument("--gateway-version", choices=MODES, default="current")
    parser.add_argument("--with-jobs", action="store_true", help="repeat each job's keys")
    args = parser.parse_args()
    with open(args.jobs, encoding="utf-8") as f:
        jobs = json.load(f)
    gateways: dict[str, Gateway] = {}
    results = []
    for job in jobs:
        result = run_job(gateways, args.root, args.gateway_version, job)
        results.append({**job, **result} if args.with_jobs else result)
    text = json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

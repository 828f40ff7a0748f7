"""QUEST's Jinja environment renders what Jinja's own would, for less work: templates are read from disk
once, and a plain dict's ``d.name`` is answered without an exception."""

from __future__ import annotations

import collections
import os
from typing import Any

import pytest
from jinja2 import DictLoader, Environment

from quest.web.templating import QuestEnvironment, create_environment

EXPRESSIONS = {
    "key": "{{ d.text }}",
    "missing": "{{ d.absent is defined }}|{{ d.absent }}",
    "method over key": "{{ d.items is callable }}|{{ d.keys is callable }}",
    "method call": "{{ d.get('text') }}|{{ d.items() | list | length }}",
    "dunder": "{{ d.__class__.__name__ }}",
    "nested": "{{ d.nested.text }}|{{ d.nested.absent is defined }}",
    "subclass": "{{ o.text }}|{{ o.items is callable }}|{{ o.absent is defined }}",
    "object": "{{ n.real }}|{{ n.absent is defined }}",
    "import": '{% from "macros.html" import shout %}{{ shout(d.text) }}',
}
MACROS = "{% macro shout(text) %}{{ text | upper }}{{ punctuation }}{% endmacro %}"
VALUES: dict[str, Any] = {
    "d": {"text": "hello", "keys": "a key named keys", "nested": {"text": "inner"}},
    "o": collections.OrderedDict(text="ordered", items="an item named items"),
    "n": 3,
}


@pytest.mark.parametrize("name", list(EXPRESSIONS))
def test_a_template_reads_values_as_jinja_reads_them(name: str) -> None:
    def render(kind: type[Environment]) -> str:
        environment = kind(loader=DictLoader({"page.html": EXPRESSIONS[name], "macros.html": MACROS}))
        environment.globals["punctuation"] = "!"
        return environment.get_template("page.html").render(VALUES)

    assert render(QuestEnvironment) == render(Environment)


def test_templates_are_read_from_disk_once(monkeypatch: pytest.MonkeyPatch) -> None:
    environment = create_environment()
    names = ("ideas/_list_table.html", "govuk_frontend_jinja/components/tag/macro.html")
    for name in names:
        environment.get_template(name)
    checked: list[str] = []
    real_getmtime = os.path.getmtime

    def getmtime(path: Any) -> float:
        checked.append(str(path))
        return real_getmtime(path)

    monkeypatch.setattr(os.path, "getmtime", getmtime)
    for name in names:
        environment.get_template(name)
    assert checked == []

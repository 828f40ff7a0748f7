"""GOV.UK components are rendered once for each set of parameters (quest.web.components): a page shows
exactly what rendering the macro itself would, whether the HTML came from the store or not."""

from __future__ import annotations

from typing import Any

import pytest
from jinja2 import DictLoader, Environment
from markupsafe import Markup

from quest.web.components import RenderedComponents
from quest.web.templating import create_environment

SELECT = '{% from "govuk_frontend_jinja/components/select/macro.html" import govukSelect %}'
TAG = '{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}'
SELECT_PARAMS: dict[str, Any] = {
    "id": "status",
    "name": "status",
    "label": {"text": "Status", "classes": "govuk-label--s"},
    "hint": None,
    "items": [
        {"value": "", "text": "Any status", "selected": False},
        {"value": "new", "text": "New", "selected": True},
    ],
    "errorMessage": None,
}


def render(source: str, **values: Any) -> str:
    return create_environment().from_string(source).render(**values)


def renders(source: str, store: RenderedComponents, **values: Any) -> str:
    environment = create_environment()
    environment.globals["rendered"] = store
    return environment.from_string(source).render(**values)


@pytest.mark.parametrize(
    "params",
    [
        SELECT_PARAMS,
        {**SELECT_PARAMS, "errorMessage": {"text": "Choose a status"}},
        {**SELECT_PARAMS, "items": [{"value": "a<b", "text": "A & B", "selected": False}]},
        {**SELECT_PARAMS, "hint": {"html": Markup("<strong>Only</strong> yours")}},
    ],
)
def test_a_component_from_the_store_is_the_component_itself(params: dict[str, Any]) -> None:
    store = RenderedComponents()
    direct = render(SELECT + "{{ govukSelect(params) }}", params=params)
    first = renders(SELECT + "{{ rendered(govukSelect, params) }}", store, params=params)
    again = renders(SELECT + "{{ rendered(govukSelect, params) }}", store, params=params)
    assert first == direct
    assert again == direct
    assert len(store) == 1


def test_parameters_that_render_differently_never_share_an_entry() -> None:
    store = RenderedComponents()
    template = TAG + "{{ rendered(govukTag, {'text': text, 'classes': 'govuk-tag--blue'}) }}"
    plain = renders(template, store, text="<b>New</b>")
    marked_up = renders(template, store, text=Markup("<b>New</b>"))
    assert "&lt;b&gt;New&lt;/b&gt;" in plain
    assert "<b>New</b>" in marked_up
    # True and 1 are equal in Python, yet a macro may print them differently.
    assert renders(TAG + "{{ rendered(govukTag, {'text': v}) }}", store, v=True) != renders(
        TAG + "{{ rendered(govukTag, {'text': v}) }}", store, v=1
    )
    assert len(store) == 4


def test_a_parameter_of_another_type_is_rendered_each_time_and_not_kept() -> None:
    class Label:
        def __init__(self, text: str) -> None:
            self.text = text

        def __str__(self) -> str:
            return self.text

    store = RenderedComponents()
    template = TAG + "{{ rendered(govukTag, {'text': label}) }}"
    assert "Open" in renders(template, store, label=Label("Open"))
    assert "Closed" in renders(template, store, label=Label("Closed"))
    assert len(store) == 0


def test_the_store_keeps_only_the_most_recently_used() -> None:
    calls: list[str] = []
    macro = "{% macro tag(params) %}{{ note(params.text) }}{% endmacro %}"
    environment = Environment(loader=DictLoader({"tag.html": macro}))
    environment.globals.update({"note": calls.append, "rendered": RenderedComponents(capacity=2)})
    template = environment.from_string('{% from "tag.html" import tag %}{{ rendered(tag, {"text": text}) }}')
    for text in ("one", "two", "one", "three", "one", "two"):  # "two" is the least used when "three" comes
        template.render(text=text)
    assert calls == ["one", "two", "three", "two"]

"""The Jinja environment: QUEST's templates, the GOV.UK Frontend macros, and the filters pages use to
show numbers, money and times the way a UK public service does (Europe/London)."""

from __future__ import annotations

import datetime
import decimal
import fractions
from collections import ChainMap
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    pass_context,
    select_autoescape,
)
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.base import csrf_token
from litestar.template.config import TemplateConfig
from markupsafe import Markup, escape

from quest import __version__
from quest.charts.xmr import XmrChart
from quest.clock import LONDON
from quest.metrics.spc import PointType
from quest.paths import TEMPLATES_DIR
from quest.web.components import RenderedComponents

SERVICE_NAME = "QUEST"


def _decimal(value: Any) -> decimal.Decimal:
    if isinstance(value, decimal.Decimal):
        return value
    if isinstance(value, fractions.Fraction):  # exact SPC arithmetic
        return decimal.Decimal(value.numerator) / decimal.Decimal(value.denominator)
    return decimal.Decimal(value)


def format_number(value: Any, places: int = 0) -> str:
    """1234567.891 -> '1,234,568'; with places=1 -> '1,234,567.9'. An unknown value is an en dash."""
    if value is None:
        return "–"
    number = _decimal(value)
    quantum = decimal.Decimal(1).scaleb(-places)
    return f"{number.quantize(quantum, rounding=decimal.ROUND_HALF_UP):,.{places}f}"


def format_quantity(value: Any) -> str:
    """A measured value as typed, without trailing zeros: 42, 42.5, 1,204.25."""
    if value is None:
        return "–"
    number = _decimal(value)
    places = max(0, -number.normalize().as_tuple().exponent)  # type: ignore[operator]
    return f"{number:,.{places}f}"


def format_date(value: datetime.date | datetime.datetime | None) -> str:
    """23 November 2026, the GOV.UK style."""
    if value is None:
        return "–"
    if isinstance(value, datetime.datetime):
        value = value.astimezone(LONDON).date()
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: datetime.datetime | None) -> str:
    """23 November 2026 at 2:05pm, in UK time."""
    if value is None:
        return "–"
    local = value.astimezone(LONDON)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def xmr_dots(chart: XmrChart) -> Markup:
    """An XmR chart's dots as SVG circles, each in its type's colour, built in one pass: a five-year daily
    chart draws 1,827 dots twice (wide and phone), and a Jinja loop over them was most of the measure
    page's CPU."""
    named = chart.every_dot_named
    radius = chart.radius
    circles = []
    for dot in chart.dots:
        kind = dot.point_type.value
        title = (
            f"<title>{escape(format_date(dot.date))}: {escape(format_quantity(dot.value))}</title>"
            if named or dot.point_type is not PointType.COMMON_CAUSE
            else ""
        )
        circles.append(
            f'<circle cx="{dot.x}" cy="{dot.y}" r="{radius}" fill="{dot.colour}" data-type="{kind}">{title}</circle>'
        )
    return Markup("\n  ".join(circles))  # noqa: S704 - numbers, fixed colours and escaped text


def error_links(errors: Mapping[str, str]) -> list[dict[str, str]]:
    """The GOV.UK error summary's entries, each linking to its field; a message shared by several
    fields (a wrong email or password) is listed once, linking to the first."""
    links: dict[str, dict[str, str]] = {}
    for field, message in errors.items():
        links.setdefault(message, {"text": message, "href": f"#{field}"})
    return list(links.values())


def select_item(option: tuple[str, str], selected: str) -> dict[str, Any]:
    value, text = option
    return {"value": value, "text": text, "selected": str(value) == str(selected)}


@pass_context
def csrf_field(context: Mapping[str, Any]) -> Markup:
    """The hidden form field carrying this request's CSRF token."""
    return Markup('<input type="hidden" name="_csrf_token" value="{}">').format(csrf_token(context))


def checkbox_item(choice: Mapping[str, Any], checked: Sequence[str]) -> dict[str, Any]:
    """A GOV.UK checkbox from a choice (value, text, hint), ticked if its value was submitted."""
    item = {"value": choice["value"], "text": choice["text"], "checked": choice["value"] in checked}
    if choice.get("hint"):
        item["hint"] = {"text": choice["hint"]}
    return item


def radio_item(choice: Mapping[str, Any], selected: str) -> dict[str, Any]:
    item = {"value": choice["value"], "text": choice["text"], "checked": choice["value"] == selected}
    if choice.get("hint"):
        item["hint"] = {"text": choice["hint"]}
    return item


def year_option(year: int) -> tuple[str, str]:
    """A UK financial year for a select: 2026 shows as 2026 to 2027."""
    return str(year), f"{year} to {year + 1}"


def owner_option(colleague: Any) -> tuple[str, str]:
    return str(colleague.id), colleague.display_name


# What ``x.name`` finds on a plain dict as an attribute (its methods), before Jinja looks for a key.
_DICT_ATTRIBUTES = frozenset(dir(dict))
_MISSING = object()


class _Globals(ChainMap[str, Any]):
    """A template's globals, whose keys are a real set: Jinja subtracts them from the importing template's
    on every ``{% from ... import %}``, and the generic ``KeysView`` of a ``ChainMap`` makes that a
    Python loop over every global (about 5% of rendering the idea list)."""

    def keys(self) -> set[str]:  # type: ignore[override]
        return set().union(*self.maps)


class QuestEnvironment(Environment):
    """Jinja's environment, rendering the same pages for less: the GOV.UK macros read their ``params``
    dicts as ``params.text``, which Jinja answers by trying the attribute first and catching the
    ``AttributeError``. For a plain dict, whose only attributes are ``dict``'s own, the answer is known
    without the exception, and is the same."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            value = obj.get(attribute, _MISSING)
            return self.undefined(obj=obj, name=attribute) if value is _MISSING else value
        return super().getattr(obj, attribute)

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return _Globals({} if d is None else d, self.globals)


def create_environment() -> Environment:
    environment = QuestEnvironment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(TEMPLATES_DIR),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(["html", "svg", "xml"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.do"],
        # Templates are part of the installed code: checking each one's file for changes on every render
        # (a stat a template, dozens a page, about 8% of rendering the idea list) buys nothing.
        auto_reload=False,
    )
    environment.filters.update(
        {
            "number": format_number,
            "quantity": format_quantity,
            "date": format_date,
            "datetime": format_datetime,
            "error_links": error_links,
            "select_item": select_item,
            "checkbox_item": checkbox_item,
            "radio_item": radio_item,
            "owner_option": owner_option,
            "year_option": year_option,
            "xmr_dots": xmr_dots,
        }
    )
    environment.globals.update(
        {
            "service_name": SERVICE_NAME,
            "quest_version": __version__,
            "csrf_field": csrf_field,
            "rendered": RenderedComponents(),
        }
    )
    return environment


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(create_environment()))

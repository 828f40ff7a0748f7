"""GOV.UK components rendered once for each set of parameters, then reused.

A GOV.UK Frontend macro is a pure function of its ``params``: the same dict always gives the same HTML.
Rendering one is dear (dozens of ``params.x`` look-ups, nested label, hint and error macros), and most
pages call the same ones with the same parameters on every request: the header, the navigation, a
filter form's fields, a status tag on each row. Templates call them through ``rendered``:

    {{ rendered(govukSelect, {"id": "status", ...}) }}

which keeps the HTML under a key made of the macro and every parameter, each with its type (a ``Markup``
is not the plain string it equals, nor ``True`` the ``1``), so two calls share an entry only when they
would render the same. A parameter of any other type (an object, an ``Undefined``) is rendered each
time, never cached. The store holds the most recently used entries, up to a fixed number.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any

from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from jinja2.runtime import Macro
from markupsafe import Markup

# Enough for every distinct component of the busiest pages, with room for filter values typed by people.
CAPACITY = 4096
_SCALARS = (str, Markup, int, float, bool)


class _NotCacheable(Exception):
    """A parameter whose rendering cannot be told from its value alone."""


def parameters_key(value: Any) -> Hashable:
    """``value`` as a hashable key that tells apart everything the macro could render differently."""
    kind = type(value)
    if value is None or kind in _SCALARS:
        return (kind, value)
    if kind is dict:
        return (dict, tuple((name, parameters_key(item)) for name, item in value.items()))
    if kind is list or kind is tuple:
        return (list, tuple(parameters_key(item) for item in value))
    raise _NotCacheable(kind.__name__)


class RenderedComponents:
    """The store behind the templates' ``rendered`` global: one for each Jinja environment."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._html: OrderedDict[Hashable, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._html)

    @pass_eval_context
    def __call__(self, context: EvalContext, macro: Macro, params: Mapping[str, Any]) -> str:
        # The macro's compiled code names it: the same component in every module made from its template.
        try:
            key = (macro._func.__code__, context.autoescape, parameters_key(params))
        except _NotCacheable:
            return str(macro(context, params))
        html = self._html.get(key)
        if html is not None:
            self._html.move_to_end(key)
            return html
        html = macro(context, params)
        self._html[key] = html
        if len(self._html) > self.capacity:
            self._html.popitem(last=False)
        return html

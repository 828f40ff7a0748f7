"""The time between two timestamps, and the middle of each group of them, in SQL both engines answer
alike to the microsecond (so an aggregate here gives what Python's ``timedelta`` arithmetic gave).

SQLite has no percentile function, and its date functions keep milliseconds; PostgreSQL has
``percentile_cont`` but it interpolates in floating point. So the database orders each group and picks
its middle one or two spans (window functions, on both engines), as whole microseconds, and the caller
averages those in Python (:func:`quest.dashboards.response_times.median_days`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Select, Subquery, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class microseconds_between(FunctionElement[int]):
    """``later - earlier`` in whole microseconds, from two timestamp columns."""

    type = BigInteger()
    name = "microseconds_between"
    inherit_cache = True


@compiles(microseconds_between, "postgresql")
def _postgresql(element: microseconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(EXTRACT(EPOCH FROM {later} - {earlier}) * 1000000 AS BIGINT)"


@compiles(microseconds_between, "sqlite")
def _sqlite(element: microseconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLAlchemy stores a timestamp on SQLite as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC): whole seconds from
    # strftime, and the six digits of microseconds from the text itself.
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return (
        f"((CAST(strftime('%s', {later}) AS INTEGER) - CAST(strftime('%s', {earlier}) AS INTEGER)) * 1000000"
        f" + CAST(substr({later}, 21, 6) AS INTEGER) - CAST(substr({earlier}, 21, 6) AS INTEGER))"
    )


def middle_of(spans: Subquery, *groups: ColumnElement[Any]) -> Select[Any]:
    """The middle span of each group of ``spans`` (its column ``span``; the groups are the columns named),
    or the middle two when the group has an even number: each group's median is the mean of what this
    gives for it. Groups with no spans give nothing."""
    ranked = select(
        *spans.c,
        func.row_number().over(partition_by=groups, order_by=spans.c.span).label("place"),
        func.count().over(partition_by=groups).label("total"),
    ).subquery("ranked")
    # With n spans, place p is in the middle when n <= 2p <= n + 2: p = (n + 1) / 2 for an odd n, and
    # p = n / 2 and n / 2 + 1 for an even one.
    return select(*(column for column in ranked.c if column.key not in ("place", "total"))).where(
        ranked.c.place * 2 >= ranked.c.total, ranked.c.place * 2 <= ranked.c.total + 2
    )

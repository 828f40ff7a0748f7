"""Full-text search over ideas, on either engine.

- SQLite: the FTS5 table ``ideas_fts`` (external content on the ideas table's rowid), ranked by bm25.
- PostgreSQL: ``to_tsvector('english', ...)`` over the same columns, matched with ``to_tsquery`` and
  ranked by ``ts_rank``; the GIN index ``ix_ideas_search`` covers exactly this expression.

What people type is reduced to plain words before it reaches either engine's query language, so no
search text can be read as query syntax.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from sqlalchemy import Float, Integer, Select, bindparam, func, literal_column, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

# Must stay identical to the expression indexed by the migration that created ix_ideas_search.
POSTGRES_DOCUMENT = "to_tsvector('english', title || ' ' || problem || ' ' || proposal || ' ' || process)"
MAX_TERMS = 12
# See matching: on SQLite, how many matches are few enough to read by rowid and sort.
FEW_MATCHES = 1_000

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOPWORDS = frozenset(
    """
    a about after all also an and any are as at be been but by can could do for from had has have how i
    if in into is it its me more my no not of on or our out so some than that the their them then there
    these they this to too up us very was we were what when which who will with would you your
    """.split()  # noqa: SIM905 - a word list reads better as text
)

Mode = Literal["all", "any"]


def terms(search: str) -> list[str]:
    """The words worth searching for: lower case, no stopwords, no single letters, at most a dozen."""
    words = []
    for word in _WORD.findall(search.lower()):
        if len(word) > 1 and word not in _STOPWORDS and word not in words:
            words.append(word)
    return words[:MAX_TERMS]


def _postgres_query(words: list[str], mode: Mode) -> ColumnElement[Any]:
    joiner = " & " if mode == "all" else " | "
    return func.to_tsquery(literal_column("'english'"), bindparam("tsquery", joiner.join(f"{w}:*" for w in words)))


def _fts_query(words: list[str], mode: Mode) -> str:
    joiner = " AND " if mode == "all" else " OR "
    return joiner.join(f'"{word}"*' for word in words)


async def matching(session: AsyncSession, search: str) -> ColumnElement[bool] | None:
    """A WHERE clause over ideas: those holding every word of ``search`` (the list's search box). None if
    the search has no words worth looking for.

    A condition, not a join ranked by relevance (:func:`apply`), so that a list shown newest first can
    walk its own index and stop at a page instead of reading and sorting every match. PostgreSQL's
    planner knows from its statistics how many ideas a word matches, and chooses. SQLite's cannot know
    what the search index holds, so it is told: a search matching no more than :data:`FEW_MATCHES` ideas
    reads them by rowid and sorts them; one matching more (a word in one idea in twenty, nationally
    60,000) gathers the matches' rowids once and walks the list's index, looking each idea up among
    them (the unary ``+`` keeps SQLite from reading the ideas by rowid instead)."""
    words = terms(search)
    if not words:
        return None
    if session.get_bind().dialect.name == "postgresql":
        return literal_column(POSTGRES_DOCUMENT).op("@@")(_postgres_query(words, "all"))
    fts_query = _fts_query(words, "all")
    how_many = text(
        "SELECT count(*) FROM (SELECT rowid FROM ideas_fts WHERE ideas_fts MATCH :fts_query LIMIT :enough)"
    ).bindparams(fts_query=fts_query, enough=FEW_MATCHES + 1)
    few = (await session.execute(how_many)).scalar_one() <= FEW_MATCHES
    found = text("SELECT rowid FROM ideas_fts WHERE ideas_fts MATCH :fts_query").bindparams(fts_query=fts_query)
    return literal_column("ideas.rowid" if few else "+ideas.rowid").in_(found.columns(rowid=Integer))


def apply(
    statement: Select[*tuple[Any, ...]], dialect: str, search: str, mode: Mode
) -> tuple[Select[*tuple[Any, ...]], ColumnElement[Any]] | None:
    """``statement`` (over ideas) narrowed to matches, and an expression to order them best first.

    ``mode="all"`` needs every word (a search box); ``"any"`` needs one (similar ideas). None if the
    search has no words worth looking for.
    """
    words = terms(search)
    if not words:
        return None
    if dialect == "postgresql":
        document: ColumnElement[Any] = literal_column(POSTGRES_DOCUMENT)
        query = _postgres_query(words, mode)
        return statement.where(document.op("@@")(query)), func.ts_rank(document, query).desc()
    found = (
        text("SELECT rowid, rank FROM ideas_fts WHERE ideas_fts MATCH :fts_query")
        .bindparams(fts_query=_fts_query(words, mode))
        .columns(rowid=Integer, rank=Float)
        .subquery("fts")
    )
    return statement.join(found, found.c.rowid == literal_column("ideas.rowid")), found.c.rank.asc()

"""Full-text search over ideas, on either engine.

- SQLite: the FTS5 table ``ideas_fts`` (external content: the view ``ideas_search`` over the ideas
  table's rowid), ranked by bm25.
- PostgreSQL: ``to_tsvector('english', ...)`` over the same columns, matched with ``to_tsquery`` and
  ranked by ``ts_rank``; the GIN index ``ix_ideas_search`` covers exactly this expression.

Each idea's document also holds one token naming its force (:func:`force_key`), so a search within a
force (similar ideas) is narrowed by the index itself, before any row is read or ranked.

What people type is reduced to plain words before it reaches either engine's query language, so no
search text can be read as query syntax.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Float, Integer, Select, bindparam, func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from quest.ideas.models import Idea

# The expression indexed by the migration that last made ix_ideas_search (c5a91e3f7b2d): the words'
# document, and the force key's. Qualified by the table, so it stays unambiguous when a query joins
# another table with a force_id (PostgreSQL matches it to the index all the same).
POSTGRES_WORDS = (
    "to_tsvector('english', ideas.title || ' ' || ideas.problem || ' ' || ideas.proposal || ' ' || ideas.process)"
)
POSTGRES_DOCUMENT = f"{POSTGRES_WORDS} || to_tsvector('simple', 'f' || replace(CAST(ideas.force_id AS TEXT), '-', ''))"
# The columns of ideas_fts that hold words (its last, force_key, holds the force's token).
SQLITE_WORD_COLUMNS = "title problem proposal process"
SQLITE_RANK = "bm25(ideas_fts, 1.0, 1.0, 1.0, 1.0, 0.0)"
MAX_TERMS = 12
# A search within a force ranks at most this many of its matches, the newest: a title's common words
# can match most of a large force's ideas, and ranking them all is what made the idea page slow.
CANDIDATES = 200
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


def force_key(force_id: uuid.UUID) -> str:
    """The token that names a force in every one of its ideas' documents (as the migration writes it)."""
    return f"f{force_id.hex}"


@dataclass(frozen=True, slots=True)
class _Query:
    words: list[str]
    mode: Mode
    # A word also matches the words it begins (a search box: "incid" finds "incidents"); otherwise whole
    # words alone, as stemmed ("incident" still finds "incidents"), which the index looks up directly.
    prefixes: bool


async def matching(session: AsyncSession, search: str) -> ColumnElement[bool] | None:
    """A WHERE clause over ideas: those holding every word of ``search``, or a word each begins (the list's
    search box). None if the search has no words worth looking for.

    A condition, not a join ranked by relevance, so that a list shown newest first can walk its own index
    and stop at a page instead of reading and sorting every match. PostgreSQL's planner knows from its
    statistics how many ideas a word matches, and chooses. SQLite's cannot know what the search index
    holds, so it is told: a search matching no more than :data:`FEW_MATCHES` ideas reads them by rowid and
    sorts them; one matching more (a word in one idea in twenty, nationally 60,000) gathers the matches'
    rowids once and walks the list's index, looking each idea up among them (the unary ``+`` keeps SQLite
    from reading the ideas by rowid instead)."""
    words = terms(search)
    if not words:
        return None
    query = _Query(words, "all", prefixes=True)
    if session.get_bind().dialect.name == "postgresql":
        return literal_column(POSTGRES_DOCUMENT).op("@@")(_tsquery(query))
    fts_query = _fts_match(query)
    how_many = text(
        "SELECT count(*) FROM (SELECT rowid FROM ideas_fts WHERE ideas_fts MATCH :fts_query LIMIT :enough)"
    ).bindparams(fts_query=fts_query, enough=FEW_MATCHES + 1)
    few = (await session.execute(how_many)).scalar_one() <= FEW_MATCHES
    found = text("SELECT rowid FROM ideas_fts WHERE ideas_fts MATCH :fts_query").bindparams(fts_query=fts_query)
    return literal_column("ideas.rowid" if few else "+ideas.rowid").in_(found.columns(rowid=Integer))


def within_force(
    statement: Select[*tuple[Any, ...]], dialect: str, search: str, force_id: uuid.UUID
) -> tuple[Select[*tuple[Any, ...]], ColumnElement[Any]] | None:
    """Similar ideas: ``statement`` (over ideas) narrowed to ideas of the force that share any whole word
    with ``search``, and an expression to order them best first; None if the search has no words worth
    looking for. The index narrows the matches to the force before a row is read, and only the newest
    :data:`CANDIDATES` of them are ranked. (A prefix would make the index gather every word it begins,
    in every force, before it narrowed them.)"""
    words = terms(search)
    if not words:
        return None
    query = _Query(words, "any", prefixes=False)
    if dialect == "postgresql":
        return _postgresql(statement, query, force_id)
    return _sqlite(statement, query, force_id)


def _postgresql(
    statement: Select[*tuple[Any, ...]], query: _Query, force_id: uuid.UUID
) -> tuple[Select[*tuple[Any, ...]], ColumnElement[Any]]:
    document: ColumnElement[Any] = literal_column(POSTGRES_DOCUMENT)
    words = _tsquery(query)
    # The force's token is in no query of words, so the rank is the words' alone.
    relevance = func.ts_rank(literal_column(POSTGRES_WORDS), words).desc()
    in_force = func.to_tsquery(literal_column("'simple'"), bindparam("force_key", force_key(force_id)))
    candidates = (
        select(Idea.id)
        .where(document.op("@@")(in_force.op("&&")(words)))
        .order_by(Idea.id.desc())  # UUIDv7: the newest first
        .limit(CANDIDATES)
        .correlate(None)
    )
    return statement.where(Idea.id.in_(candidates)), relevance


def _sqlite(
    statement: Select[*tuple[Any, ...]], query: _Query, force_id: uuid.UUID
) -> tuple[Select[*tuple[Any, ...]], ColumnElement[Any]]:
    match = f'force_key: "{force_key(force_id)}" AND {_fts_match(query)}'
    # FTS5 walks the matches newest first (descending rowid) and stops: only these are ranked.
    sql = (
        f"SELECT rowid, {SQLITE_RANK} AS rank FROM ideas_fts WHERE ideas_fts MATCH :fts_query"  # noqa: S608 - constants
        f" ORDER BY rowid DESC LIMIT {CANDIDATES}"
    )
    found = text(sql).bindparams(fts_query=match).columns(rowid=Integer, rank=Float).subquery("fts")
    return statement.join(found, found.c.rowid == literal_column("ideas.rowid")), found.c.rank.asc()


def _tsquery(query: _Query) -> ColumnElement[Any]:
    """PostgreSQL's query of the words."""
    joiner = " & " if query.mode == "all" else " | "
    suffix = ":*" if query.prefixes else ""
    return func.to_tsquery(
        literal_column("'english'"), bindparam("tsquery", joiner.join(f"{word}{suffix}" for word in query.words))
    )


def _fts_match(query: _Query) -> str:
    """FTS5's query of the words, in the columns that hold words (not the force's token)."""
    joiner = " AND " if query.mode == "all" else " OR "
    suffix = "*" if query.prefixes else ""
    return f"{{{SQLITE_WORD_COLUMNS}}}: (" + joiner.join(f'"{word}"{suffix}' for word in query.words) + ")"

"""withdrawn ideas: withdrawal is its own outcome, not a decline

The idea status CHECK constraint gains `withdrawn`. Ideas their submitters withdrew used to be declined,
with a `withdrawn` event on their timeline: they become withdrawn, and so do those events' `to_status`
(declined is final, so a declined idea with a withdrawn event was declined by its withdrawal). The
downgrade turns them back into declined ones.

On SQLite, changing a CHECK constraint rebuilds the ideas table, which drops its triggers: the full-text
search triggers are created again here, and the index rebuilt, since the rebuild can renumber rowids.

Revision ID: 689a22eaa678
Revises: 0047d56e3dec
Create Date: 2026-11-29 07:09:22.461047
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "689a22eaa678"
down_revision: str | None = "0047d56e3dec"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONSTRAINT = "ck_ideas_idea_status"
BEFORE = ("submitted", "under_review", "approved", "in_progress", "implemented", "declined", "duplicate", "parked")
AFTER = (*BEFORE, "withdrawn")
SEARCH_COLUMNS = "title, problem, proposal, process"


def _statuses(values: tuple[str, ...]) -> None:
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(CONSTRAINT), type_="check")
        batch_op.create_check_constraint(
            batch_op.f(CONSTRAINT), "status IN (" + ", ".join(f"'{value}'" for value in values) + ")"
        )
    _recreate_sqlite_search()


def _recreate_sqlite_search() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    new = "new.title, new.problem, new.proposal, new.process"
    old = "old.title, old.problem, old.proposal, old.process"
    for trigger in ("ideas_fts_insert", "ideas_fts_delete", "ideas_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute(
        f"CREATE TRIGGER ideas_fts_insert AFTER INSERT ON ideas BEGIN "
        f"INSERT INTO ideas_fts(rowid, {SEARCH_COLUMNS}) VALUES (new.rowid, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER ideas_fts_delete AFTER DELETE ON ideas BEGIN "
        f"INSERT INTO ideas_fts(ideas_fts, rowid, {SEARCH_COLUMNS}) VALUES ('delete', old.rowid, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER ideas_fts_update AFTER UPDATE OF {SEARCH_COLUMNS} ON ideas BEGIN "
        f"INSERT INTO ideas_fts(ideas_fts, rowid, {SEARCH_COLUMNS}) VALUES ('delete', old.rowid, {old}); "
        f"INSERT INTO ideas_fts(rowid, {SEARCH_COLUMNS}) VALUES (new.rowid, {new}); END"
    )
    op.execute("INSERT INTO ideas_fts(ideas_fts) VALUES ('rebuild')")


def upgrade() -> None:
    _statuses(AFTER)
    op.execute(
        "UPDATE ideas SET status = 'withdrawn' WHERE status = 'declined' AND EXISTS "
        "(SELECT 1 FROM idea_events WHERE idea_events.idea_id = ideas.id AND idea_events.kind = 'withdrawn')"
    )
    op.execute("UPDATE idea_events SET to_status = 'withdrawn' WHERE kind = 'withdrawn' AND to_status = 'declined'")


def downgrade() -> None:
    op.execute("UPDATE idea_events SET to_status = 'declined' WHERE kind = 'withdrawn' AND to_status = 'withdrawn'")
    op.execute("UPDATE ideas SET status = 'declined' WHERE status = 'withdrawn'")
    _statuses(BEFORE)

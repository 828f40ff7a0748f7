"""Rollups (DESIGN §5): aggregates kept in step with the records they count, in the same transaction as
each change, so a page at force or national scope reads a few thousand rows, not half a million.

- :mod:`quest.rollups.models`: the tables.
- :mod:`quest.rollups.changes`: one writer a kind of change, called from the one path that change
  already goes through (a waste observation logged, an idea raised, an idea moved). Each adds to a
  row with ``INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n``, never by reading and writing back
  in Python, so concurrent writers on either engine cannot lose a count.
- :mod:`quest.rollups.rebuild`: every rollup recomputed from the records (the migration that made them,
  and the national dataset, which is written in bulk beside the writers).

Nothing in the application deletes an idea or a waste observation (no idea may vanish silently), and an
idea never changes division: so these are the only changes to keep in step with.
"""

"""Python's cyclic garbage collector, told what lives as long as the process.

Start-up leaves some 200,000 objects behind (modules, the routes, SQLAlchemy's mappers, compiled
templates) that are never garbage. Left in the collector's care, every full pass walks them all, once in
so many requests: about 15% of the CPU of serving the idea list. Frozen once the app has started, they
are out of its passes; thawed at shutdown, so that an app made and stopped again in the same process
(the tests make hundreds) leaves nothing the collector can no longer reach.
"""

from __future__ import annotations

import gc


def freeze_start_up_objects() -> None:
    # Garbage first, as the gc module's documentation advises: whatever is frozen is never collected until
    # it thaws, so garbage frozen with the rest would keep what it holds (an earlier app's pooled database
    # connections, in a process that makes many apps, as the tests do) open all that time.
    gc.collect()
    gc.freeze()


def thaw_start_up_objects() -> None:
    gc.unfreeze()

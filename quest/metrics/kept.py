"""Many measures' readings and SPC at once, worked out afresh or kept by this server process from an earlier
request while the readings are the same: for a division's dashboard, which shows every measure's SPC on
each view.

A measure's readings have a version (``readings_versions``), a new one in every transaction that writes
any of them (:func:`quest.rollups.changes.readings_written`). Each process keeps what it worked out from
a measure's readings under their version: the series, and the SPC for each way it was judged (direction,
target and rebase dates, which the caller reads afresh each time) with what a page drew from that SPC. A
request reads the versions with the measures, so it uses what is kept exactly while the readings are still
those it came from, and works out again only the measures whose readings changed since: never a figure
older than the records. (Unlike the national figures, nothing here is kept for a time.) A measure without
a version yet is worked out afresh on every request.

Each process keeps up to :data:`KEPT_READINGS` readings' worth (about 300 bytes a reading with its SPC:
some 60 MB), forgetting the measures least recently asked for first; another process keeps its own, and a
restart loses nothing. What is kept is shared by every request that asks for it: nothing may change it
(what is drawn is only ever added, by what it was drawn from).
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections import OrderedDict
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from quest.metrics.series import Series, readings_of_each
from quest.metrics.spc import Spc, analyse
from quest.metrics.vocabulary import Direction

# The readings (with their SPC) each process keeps at most, over all the measures it keeps.
KEPT_READINGS = 200_000
# The ways of judging one measure's readings kept at once (viewers who see different ideas' change
# dates, a target since changed).
KEPT_JUDGEMENTS = 4


@dataclass(frozen=True, slots=True)
class Judging:
    """A measure to judge: its readings' version (None: it has none yet), and how to judge them."""

    metric_id: uuid.UUID
    version: uuid.UUID | None
    direction: Direction
    target: decimal.Decimal | None


@dataclass(frozen=True, slots=True)
class Judged:
    """A measure's readings, oldest first, their SPC, and what pages have drawn from them (a chart, by what
    else it was drawn from): kept, and forgotten, with the SPC."""

    series: Series
    spc: Spc
    drawn: dict[Hashable, Any] = field(default_factory=dict, compare=False)


# How one measure's readings were judged: its direction, its target and its rebase dates in order.
_Judgement = tuple[Direction, decimal.Decimal | None, tuple[datetime.date, ...]]


@dataclass(slots=True)
class _Kept:
    version: uuid.UUID
    series: Series
    judged: OrderedDict[_Judgement, Judged] = field(default_factory=OrderedDict)


class KeptReadings:
    """The measures' readings and SPC this process worked out, each under its readings' version."""

    def __init__(self, readings: int = KEPT_READINGS) -> None:
        self.readings = readings
        self._kept: OrderedDict[uuid.UUID, _Kept] = OrderedDict()
        self._held = 0  # readings, over everything kept

    def __len__(self) -> int:
        return len(self._kept)

    def series(self, metric_id: uuid.UUID, version: uuid.UUID) -> Series | None:
        kept = self._kept.get(metric_id)
        if kept is None or kept.version != version:
            return None
        self._kept.move_to_end(metric_id)
        return kept.series

    def judged(self, metric_id: uuid.UUID, version: uuid.UUID, judgement: _Judgement) -> Judged | None:
        kept = self._kept.get(metric_id)
        if kept is None or kept.version != version:
            return None
        return kept.judged.get(judgement)

    def keep(self, metric_id: uuid.UUID, version: uuid.UUID, judgement: _Judgement, judged: Judged) -> None:
        kept = self._kept.get(metric_id)
        if kept is None or kept.version != version:
            self._forget(metric_id)
            if len(judged.series) > self.readings:
                return
            kept = self._kept[metric_id] = _Kept(version, judged.series)
            self._held += len(judged.series)
        kept.judged[judgement] = judged
        kept.judged.move_to_end(judgement)
        while len(kept.judged) > KEPT_JUDGEMENTS:
            kept.judged.popitem(last=False)
        self._kept.move_to_end(metric_id)
        while self._held > self.readings:
            self._forget(next(iter(self._kept)))

    def _forget(self, metric_id: uuid.UUID) -> None:
        kept = self._kept.pop(metric_id, None)
        if kept is not None:
            self._held -= len(kept.series)


async def judged_of_each(
    session: AsyncSession,
    measures: Sequence[Judging],
    rebase: Mapping[uuid.UUID, Collection[datetime.date]],
    kept: KeptReadings | None = None,
) -> dict[uuid.UUID, Judged]:
    """Each measure's readings and their SPC, segmented at its ``rebase`` dates: those ``kept`` under the
    readings' current version, and the rest worked out (the readings of them all read in one statement, and
    kept for the next request). Without ``kept``, every one is worked out."""
    found: dict[uuid.UUID, Judged] = {}
    judgements = {
        measure.metric_id: (measure.direction, measure.target, tuple(sorted(rebase.get(measure.metric_id, ()))))
        for measure in measures
    }
    kept_series: dict[uuid.UUID, Series] = {}
    for measure in measures:
        if kept is None or measure.version is None:
            continue
        series = kept.series(measure.metric_id, measure.version)
        if series is None:
            continue
        judged = kept.judged(measure.metric_id, measure.version, judgements[measure.metric_id])
        if judged is not None:
            found[measure.metric_id] = judged
        else:
            kept_series[measure.metric_id] = series
    known = found.keys() | kept_series.keys()
    unread = [measure.metric_id for measure in measures if measure.metric_id not in known]
    read = await readings_of_each(session, unread) if unread else {}
    for measure in measures:
        if measure.metric_id in found:
            continue
        series = kept_series.get(measure.metric_id)
        if series is None:
            series = read.get(measure.metric_id, [])
        judgement = judgements[measure.metric_id]
        direction, target, dates = judgement
        judged = Judged(series, analyse(series, direction=direction, target=target, rebase=dates))
        found[measure.metric_id] = judged
        if kept is not None and measure.version is not None:
            kept.keep(measure.metric_id, measure.version, judgement, judged)
    return found

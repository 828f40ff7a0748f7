"""The audit pack as a page to read and to print, sent as it is written: the page around the parts
(QUEST's header, the pack's title, how to print it) is rendered first, as any page is, with the request's
flash messages; then the parts, from their macros (``templates/savings/_audit_pack_parts.html``), a batch of
rows at a time. The summary comes first on the page, so its totals are worked out from the claims and
costs before their rows are written (one more read of them, from the same snapshot)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from litestar import Request
from litestar.response import Stream
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from quest.db import snapshot
from quest.savings.audit_pack.pack import AuditPack
from quest.savings.audit_pack.parts import PackRows
from quest.savings.audit_pack.totals import how_in_words
from quest.web.pages import page

PAGE = "savings/audit_pack.html"
PARTS = "savings/_audit_pack_parts.html"
# Where the parts go in the rendered page: a comment no text of a person can make (it would be escaped).
PARTS_HERE = Markup("<!--quest-audit-pack-parts-->")


def _around_the_parts(request: Request[Any, Any, Any], context: dict[str, Any]) -> tuple[str, str, dict[str, str]]:
    """The page before and after its parts, rendered as :func:`quest.web.pages.page` renders any page,
    and the headers it would be sent with."""
    template = page(request, PAGE, {**context, "parts_here": PARTS_HERE}, headers={"Cache-Control": "no-store"})
    engine = request.app.template_engine
    assert engine is not None
    rendered = engine.get_template(PAGE).render(**template.create_template_context(request))
    before, after = rendered.split(PARTS_HERE, 1)
    return before, after, dict(template.headers)


async def _part(name: str, macros: Any, pack: AuditPack, batches: AsyncIterator[Sequence[Any]]) -> AsyncIterator[str]:
    """A part's section: its heading, then its table's head once the first rows come, its rows a batch at
    a time and its end; or the line that says it has none."""
    yield getattr(macros, f"{name}_start")(pack)
    row: Callable[..., str] = getattr(macros, f"{name}_row")
    count = 0
    async for batch in batches:
        if batch and not count:
            yield getattr(macros, f"{name}_table")(pack)
        count += len(batch)
        yield "".join(row(pack, item) for item in batch)
    if count:
        yield macros.table_end()
    else:
        yield getattr(macros, f"{name}_none")()
    if name == "audit_trail":
        yield macros.audit_trail_count(count)
    yield macros.section_end()


async def _page_chunks(
    maker: async_sessionmaker[AsyncSession], macros: Any, pack: AuditPack, before: str, after: str
) -> AsyncIterator[str]:
    yield before
    async with snapshot(maker) as session:
        rows = await PackRows.of(session, pack)
        lines, counts = await rows.totals()
        how = {line.key: how_in_words(line.total, pack.totals, pack.columns) for line in lines}
        yield macros.summary(pack, lines, how, counts, all(line.matches for line in lines))
        for name, batches in (
            ("claims", rows.claims()),
            ("evidence", rows.evidence()),
            ("costs", rows.costs()),
            ("audit_trail", rows.audit_trail()),
        ):
            async for chunk in _part(name, macros, pack, batches):
                yield chunk
    yield after


def pack_page(
    request: Request[Any, Any, Any], maker: async_sessionmaker[AsyncSession], pack: AuditPack, xlsx_href: str
) -> Stream:
    """The pack's page, streamed."""
    before, after, headers = _around_the_parts(request, {"pack": pack, "xlsx_href": xlsx_href})
    engine = request.app.template_engine
    assert engine is not None
    macros = engine.get_template(PARTS).module
    return Stream(
        _page_chunks(maker, macros, pack, before, after), media_type="text/html; charset=utf-8", headers=headers
    )

"""A zip sent as its members are written: each member's bytes come from an async source (rows read from the
database, made into XML on the event loop), and are compressed in a worker thread by ``stream_zip`` a piece
at a time, so the first bytes go out at once and a worker holds a piece, never the file.

Members are zipped without zip64 fields (``ZIP_32``), which Excel opens; a member can hold up to 4 GiB.
The zip's directory comes last: a stream that fails half way stops without it, and what was sent is no
zip at all, never a file that looks complete.
"""

from __future__ import annotations

import datetime
import stat
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Iterator
from typing import Any, TypeVar

import anyio.from_thread
import anyio.to_thread
from stream_zip import ZIP_32, MemberFile, stream_zip

Item = TypeVar("Item")
# Bytes of the zip handed on at a time.
CHUNK_BYTES = 64 * 1024
# zlib's default: what the workbooks were zipped with before.
COMPRESSION_LEVEL = 6
_FILE_MODE = stat.S_IFREG | 0o600
_DONE = object()


class _Flushing:
    """Deflate that hands on each piece as soon as it is compressed (a sync flush: a few bytes a piece),
    rather than holding up to tens of kilobytes until it has more: what is written is sent."""

    def __init__(self) -> None:
        self._deflate = zlib.compressobj(level=COMPRESSION_LEVEL, wbits=-zlib.MAX_WBITS)

    def compress(self, data: bytes) -> bytes:
        return self._deflate.compress(data) + self._deflate.flush(zlib.Z_SYNC_FLUSH)

    def flush(self, mode: int = zlib.Z_FINISH) -> bytes:
        return self._deflate.flush(mode)


async def _next(source: AsyncIterator[Item]) -> Item | object:
    try:
        return await anext(source)
    except StopAsyncIteration:
        return _DONE


class _Sources:
    """The async sources the zip reads, each opened once; closed on the event loop when the zip is done
    or abandoned, so that none outlives the session it reads through."""

    def __init__(self) -> None:
        self.opened: list[AsyncIterator[Any]] = []

    def blocking(self, source: AsyncIterable[Item]) -> Iterator[Item]:
        """``source`` one item at a time, for the worker thread: each awaited on the event loop."""
        iterator = aiter(source)
        self.opened.append(iterator)
        while (item := anyio.from_thread.run(_next, iterator)) is not _DONE:
            yield item  # type: ignore[misc]

    async def close(self) -> None:
        for source in reversed(self.opened):
            closing = getattr(source, "aclose", None)
            if closing is not None:
                await closing()


def _compressor() -> Any:
    return _Flushing()


async def zipped(members: AsyncIterable[tuple[str, AsyncIterable[bytes]]]) -> AsyncIterator[bytes]:
    """The zip of ``members`` (each its name in the zip and its bytes), a piece at a time as it is made."""
    sources = _Sources()
    modified = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)

    def files() -> Iterator[MemberFile]:
        for name, chunks in sources.blocking(members):
            yield name, modified, _FILE_MODE, ZIP_32, sources.blocking(chunks)

    pieces = iter(stream_zip(files(), chunk_size=CHUNK_BYTES, get_compressobj=_compressor))
    try:
        while (piece := await anyio.to_thread.run_sync(next, pieces, None)) is not None:
            yield piece
    finally:
        await sources.close()

"""``GET /healthz``: is this process up, and can it reach its database (DESIGN §6)?"""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import MediaType, Response, get

from quest.accounts.authentication import ANSWERS_ANYONE
from quest.db import ping
from quest.logs import get_logger
from quest.web.dependencies import DatabaseEngine
from quest.web.errors import retry_later_headers

logger = get_logger("quest.health")
DATABASE_TIMEOUT_SECONDS = 3.0


@get("/healthz", media_type=MediaType.JSON, include_in_schema=False, opt=ANSWERS_ANYONE)
async def healthz(db_engine: DatabaseEngine) -> Response[dict[str, Any]]:
    try:
        await asyncio.wait_for(ping(db_engine), timeout=DATABASE_TIMEOUT_SECONDS)
    except Exception as error:
        logger.warning("health check: database unreachable", error=type(error).__name__)
        return Response({"status": "error", "database": "unreachable"}, status_code=503, headers=retry_later_headers())
    return Response({"status": "ok", "database": "ok"})

"""The dependencies handlers declare by name (Litestar 3 needs them explicit)."""

from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

# The request's database session and the engine, provided by the Advanced Alchemy plugin.
DatabaseSession = NamedDependency[AsyncSession]
DatabaseEngine = NamedDependency[AsyncEngine]

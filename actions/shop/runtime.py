"""Lazily built ShopService for the action server (one per database URL)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncEngine

from actions.shop.db import ensure_sqlite_dir, make_engine, make_sessionmaker
from actions.shop.service import ShopService

#: Used when ``SHOP_DATABASE_URL`` is unset; relative to the working directory.
DEFAULT_DATABASE_URL = "sqlite:///var/shop.db"

_cache: dict[str, tuple[AsyncEngine, ShopService]] = {}


def database_url(environ: Mapping[str, str] = os.environ) -> str:
    """Return ``SHOP_DATABASE_URL``, or the default SQLite file."""
    return environ.get("SHOP_DATABASE_URL") or DEFAULT_DATABASE_URL


def shop_from_env(environ: Mapping[str, str] = os.environ) -> ShopService:
    """Return the ShopService for ``SHOP_DATABASE_URL``, building it once.

    The engine is created on the first call for a URL, never at import time.
    For a SQLite file its folder is created; the schema is not (run
    ``python -m actions.shop.seed`` for that).
    """
    url = database_url(environ)
    if url not in _cache:
        ensure_sqlite_dir(url)
        engine = make_engine(url)
        _cache[url] = (engine, ShopService(make_sessionmaker(engine)))
    return _cache[url][1]


def reset_shop_cache() -> None:
    """Forget cached services without closing them (see ``dispose_shops``)."""
    _cache.clear()


async def dispose_shops() -> None:
    """Close the pools of every cached service and forget them."""
    engines = [engine for engine, _ in _cache.values()]
    _cache.clear()
    for engine in engines:
        await engine.dispose()

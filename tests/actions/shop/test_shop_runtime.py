"""Lazily built, cached ShopService."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from actions.shop import runtime
from actions.shop.seed import DEMO_SHIPPED_ORDER, main


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    runtime.reset_shop_cache()
    yield
    runtime.reset_shop_cache()


def test_default_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert runtime.database_url({}) == "sqlite:///var/shop.db"
    runtime.shop_from_env({})
    assert (tmp_path / "var").is_dir()


def test_cached_per_url(tmp_path: Path) -> None:
    env = {"SHOP_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"}
    first = runtime.shop_from_env(env)
    assert runtime.shop_from_env(dict(env)) is first
    other = runtime.shop_from_env({"SHOP_DATABASE_URL": f"sqlite:///{tmp_path / 'b.db'}"})
    assert other is not first
    runtime.reset_shop_cache()
    assert runtime.shop_from_env(env) is not first


@pytest.mark.asyncio
async def test_service_reads_seeded_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    await main(["--database-url", url])
    shop = runtime.shop_from_env({"SHOP_DATABASE_URL": url})
    try:
        order = await shop.order("demo", DEMO_SHIPPED_ORDER)
    finally:
        await runtime.dispose_shops()
    assert order.status == "shipped"

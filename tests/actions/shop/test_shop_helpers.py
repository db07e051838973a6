"""Pure helpers: URLs, display formatting, input validation, views."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from actions.shop.db import async_url, sqlite_file
from actions.shop.errors import InvalidInput
from actions.shop.format import (
    REFUND_STATUS_LABELS,
    STATUS_LABELS,
    local_time,
    yuan,
)
from actions.shop.validation import (
    is_company_title,
    validate_address,
    validate_invoice,
    validate_phone,
)
from actions.shop.views import ItemView, summarize_items


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("sqlite:///var/shop.db", "sqlite+aiosqlite"),
        ("sqlite://", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite"),
        ("postgres://u:p@db:5432/kefu", "postgresql+asyncpg"),
        ("postgresql://u@db/kefu", "postgresql+asyncpg"),
        ("postgresql+asyncpg://u@db/kefu", "postgresql+asyncpg"),
    ],
)
def test_async_url(url: str, driver: str) -> None:
    assert async_url(url).drivername == driver


def test_async_url_keeps_credentials() -> None:
    url = async_url("postgres://kefu:s3cret@db:5433/shop")
    assert (url.username, url.password, url.host, url.port, url.database) == (
        "kefu",
        "s3cret",
        "db",
        5433,
        "shop",
    )


def test_sqlite_file() -> None:
    assert str(sqlite_file("sqlite:///var/shop.db")) == "var/shop.db"
    assert sqlite_file("sqlite://") is None
    assert sqlite_file("sqlite+aiosqlite:///:memory:") is None
    assert sqlite_file("postgresql://u@h/db") is None


@pytest.mark.parametrize(
    ("fen", "text"),
    [(12850, "¥128.50"), (0, "¥0.00"), (5, "¥0.05"), (100000, "¥1000.00"), (-500, "-¥5.00")],
)
def test_yuan(fen: int, text: str) -> None:
    assert yuan(fen) == text


def test_local_time_is_shanghai() -> None:
    assert local_time(datetime(2026, 11, 23, 6, 5, tzinfo=timezone.utc)) == "11月23日 14:05"
    assert local_time(datetime(2026, 12, 31, 16, 30, tzinfo=timezone.utc)) == "1月1日 00:30"
    assert local_time(datetime(2026, 11, 23, 6, 5)) == "11月23日 14:05"


def test_labels_cover_every_status() -> None:
    assert list(STATUS_LABELS.values()) == [
        "待付款",
        "待发货",
        "已发货",
        "已签收",
        "已完成",
        "已取消",
    ]
    assert set(REFUND_STATUS_LABELS) == {
        "approved",
        "pending_review",
        "rejected",
        "refunded",
        "withdrawn",
    }


@pytest.mark.parametrize(
    "address",
    ["上海市徐汇区漕溪北路398号", "广东省深圳市南山区科技园", "ＸＸ小区３栋２单元"],
)
def test_valid_addresses(address: str) -> None:
    assert validate_address(address)


@pytest.mark.parametrize(
    ("address", "reason"),
    [("上海市", "too_short"), ("my home is far away", "no_region"), ("市" * 201, "too_long")],
)
def test_invalid_addresses(address: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_address(address)
    assert (caught.value.field, caught.value.reason) == ("address", reason)


@pytest.mark.parametrize(
    ("phone", "digits"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+86-138-0013-8000", "13800138000"),
        ("８６１３８００１３８０００", "13800138000"),
    ],
)
def test_valid_phones(phone: str, digits: str) -> None:
    assert validate_phone(phone) == digits


@pytest.mark.parametrize("phone", ["", "12800138000", "1380013800", "021-64001234"])
def test_invalid_phones(phone: str) -> None:
    with pytest.raises(InvalidInput):
        validate_phone(phone)


def test_invoice_titles() -> None:
    assert is_company_title("杭州某某集团") and not is_company_title("个人")
    assert validate_invoice("个人", None) == ("个人", None)
    assert validate_invoice("某某有限公司", "123456789012345") == (
        "某某有限公司",
        "123456789012345",
    )
    assert validate_invoice("某某有限公司", "1" * 20)[1] == "1" * 20


def test_item_summary() -> None:
    coat = ItemView("P1001", "轻薄羽绒服", 1, 39900)
    tees = ItemView("P1002", "纯棉圆领T恤", 2, 7900)
    assert summarize_items(()) == ""
    assert summarize_items((coat,)) == "轻薄羽绒服 ×1"
    assert summarize_items((coat, tees)) == "轻薄羽绒服 ×1 等3件"
    assert tees.subtotal_fen == 15800

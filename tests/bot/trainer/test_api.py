"""The trainer API: roles, status codes, and labels written to the data files."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from actions.shop.db import make_engine, make_sessionmaker
from bot.trainer.api import trainer_routes
from bot.trainer.editor import TrainingDataEditor
from bot.trainer.guard import RegressionGuard
from bot.trainer.inbox import Inbox
from bot.trainer.models import Base
from bot.trainer.runs import RunHistory
from bot.trainer.workbench import TrainerPaths, Workbench
from handoff.errors import AuthError
from handoff.views import AgentView

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
FALLBACK = {"intent": {"name": "nlu_fallback", "confidence": 0.4}, "intent_ranking": []}


def user(role: str) -> AgentView:
    return AgentView(1, role, role, role, ("general",), 3, True)


class FakeAuth:
    """``Bearer <role>`` is a user of that role."""

    async def user_for_header(self, authorization: str) -> AgentView:
        scheme, _, token = authorization.partition(" ")
        if scheme != "Bearer" or token not in ("trainer", "supervisor", "agent"):
            raise AuthError("bad token")
        return user(token)


class FakeRasa:
    async def parse(self, text: str) -> dict[str, Any]:
        return {"intent": {"name": "greet", "confidence": 0.97}, "intent_ranking": []}


@pytest.fixture
async def setup(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Inbox, Path]]:
    root = tmp_path / "project"
    root.mkdir()
    for name in ("config.yml", "domain.yml"):
        shutil.copy2(ROOT / name, root / name)
    shutil.copytree(ROOT / "nlu_data", root / "nlu_data")
    engine = make_engine(f"sqlite:///{tmp_path / 'kefu.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    sessions = make_sessionmaker(engine)
    inbox = Inbox(sessions, str, lambda: NOW)
    bench = Workbench(
        TrainingDataEditor(root), inbox, RunHistory(sessions, lambda: NOW), FakeRasa(),
        RegressionGuard(), TrainerPaths(root, tmp_path / "models", root / "tests"),
    )  # type: ignore[arg-type]  # fmt: skip
    app = Starlette(routes=trainer_routes(FakeAuth(), bench))  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kefu") as client:
        client.headers["authorization"] = "Bearer trainer"
        yield client, inbox, root
    await engine.dispose()


async def test_only_trainers_and_supervisors_get_in(setup: Any) -> None:
    client, _, _ = setup
    assert (
        await client.get("/api/trainer/intents", headers={"authorization": ""})
    ).status_code == 401
    agent = await client.get("/api/trainer/intents", headers={"authorization": "Bearer agent"})
    assert agent.status_code == 403 and agent.json()["error"]["code"] == "not_allowed"
    boss = await client.get("/api/trainer/intents", headers={"authorization": "Bearer supervisor"})
    assert boss.status_code == 200
    assert "greet" in {i["name"] for i in boss.json()["intents"]}


async def test_labelling_writes_examples_and_closes_the_messages(setup: Any) -> None:
    client, inbox, root = setup
    await inbox.record("c1", 1, "亲 在不在呀", FALLBACK, False)
    await inbox.record("c2", 2, "直播几点开始", FALLBACK, False)
    groups = (await client.get("/api/trainer/inbox")).json()["groups"]
    ids = {g["representative"]: g["items"][0]["id"] for g in groups}

    labelled = await client.post(
        "/api/trainer/label", json={"miss_ids": [ids["亲 在不在呀"]], "intent": "greet"}
    )
    assert labelled.status_code == 200 and labelled.json()["added"] == ["亲 在不在呀"]
    assert "亲 在不在呀" in TrainingDataEditor(root).examples("greet")
    again = await client.post(
        "/api/trainer/label", json={"miss_ids": [ids["亲 在不在呀"]], "intent": "greet"}
    )
    assert again.status_code == 400  # handled already

    created = await client.post(
        "/api/trainer/intents",
        json={"name": "live_stream_time", "examples": ["直播什么时候开始", "几点开播"],
              "answer": "每晚 20:00 开播", "title": "直播时间", "miss_ids": [ids["直播几点开始"]]},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    assert created.json()["intent"]["response"] == "每晚 20:00 开播"
    assert created.json()["intent"]["title"] == "直播时间"
    listed = (await client.get("/api/trainer/intents")).json()["intents"]
    assert {"name": "live_stream_time", "examples": 3, "response": "每晚 20:00 开播",
            "title": "直播时间"} in listed  # fmt: skip
    title_url = "/api/trainer/intents/live_stream_time/title"
    renamed = await client.put(title_url, json={"title": "开播"})
    assert renamed.status_code == 200 and renamed.json()["intent"]["title"] == "开播"
    hidden = await client.put(title_url, json={"title": ""})
    assert hidden.json()["intent"]["title"] is None
    assert "utter_suggest_live_stream_time" not in (root / "domain.yml").read_text()
    assert (await client.get("/api/trainer/inbox")).json()["total"] == 0


async def test_errors_have_codes_and_the_right_status(setup: Any) -> None:
    client, inbox, root = setup
    await inbox.record("c1", 1, "你好", FALLBACK, False)
    miss = (await client.get("/api/trainer/inbox")).json()["groups"][0]["items"][0]["id"]
    before = (root / "nlu_data" / "nlu" / "general.yml").read_bytes()

    conflict = await client.post("/api/trainer/label", json={"miss_ids": [miss], "intent": "deny"})
    assert conflict.status_code == 409
    assert conflict.json()["error"]["conflicts"] == [{"text": "你好", "intent": "greet"}]
    assert (root / "nlu_data" / "nlu" / "general.yml").read_bytes() == before

    unknown = await client.post("/api/trainer/label", json={"miss_ids": [miss], "intent": "nope"})
    assert unknown.status_code == 404
    bad_name = await client.post(
        "/api/trainer/intents", json={"name": "直播", "examples": ["a", "b"], "answer": "x"}
    )
    assert bad_name.status_code == 400
    assert bad_name.json()["error"]["code"] == "invalid_intent_name"
    bad_title = await client.post(
        "/api/trainer/intents",
        json={"name": "live_stream_time", "examples": ["直播几点", "几点开播"], "answer": "20:00",
              "title": "直" * 21},
    )  # fmt: skip
    assert bad_title.status_code == 400
    assert bad_title.json()["error"]["message"] == "按钮说法最长 20 个字"
    assert "live_stream_time" not in (root / "domain.yml").read_text()
    nobody = await client.put("/api/trainer/intents/nope/title", json={"title": "x"})
    assert nobody.status_code == 404
    not_json = await client.post("/api/trainer/label", content=b"{", headers={"content-type": "x"})
    assert not_json.status_code == 400
    missing = await client.get("/api/trainer/runs/99")
    assert missing.status_code == 404
    assert (await client.post("/api/trainer/parse", json={"text": "你好"})).json()["intent"][
        "name"
    ] == "greet"


async def test_a_new_intent_short_of_examples_because_one_is_taken_says_which(
    setup: Any,
) -> None:
    client, inbox, root = setup
    await inbox.record("c1", 1, "可以代写贺卡吗", FALLBACK, False)
    await inbox.record("c2", 2, "可以写贺卡吗", FALLBACK, False)
    groups = (await client.get("/api/trainer/inbox")).json()["groups"]
    ids = {item["text"]: item["id"] for g in groups for item in g["items"]}
    taken = await client.post(
        "/api/trainer/label", json={"miss_ids": [ids["可以写贺卡吗"]], "intent": "out_of_scope"}
    )
    assert taken.status_code == 200, taken.text
    before = (root / "domain.yml").read_bytes()

    created = await client.post(
        "/api/trainer/intents",
        json={"name": "gift_wrap", "examples": ["可以写贺卡吗"], "answer": "可以的",
              "miss_ids": [ids["可以代写贺卡吗"]]},
    )  # fmt: skip

    assert created.status_code == 409, created.text
    error = created.json()["error"]
    assert error["code"] == "conflict"
    assert error["conflicts"] == [{"text": "可以写贺卡吗", "intent": "out_of_scope"}]
    assert "「可以写贺卡吗」已属于 out_of_scope" in error["message"]
    assert (root / "domain.yml").read_bytes() == before
    assert (await client.get("/api/trainer/inbox")).json()["total"] == 1  # still to do

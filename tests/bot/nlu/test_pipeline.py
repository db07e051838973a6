"""The pipeline in config.yml, trained and loaded through Rasa's own machinery."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.core.agent import Agent
from rasa.model_training import train_nlu
from rasa.shared.nlu.training_data.formats.rasa import RasaWriter
from rasa.shared.nlu.training_data.message import Message

from tests.bot.nlu.conftest import make_training_data

ROOT = Path(__file__).resolve().parents[3]
ORDER_ID = r"(?<![0-9A-Za-z])2[56][0-9]{14}(?![0-9])"  # as in nlu_data/nlu/orders.yml
ORDER_EXAMPLE = "订单2634462590801991到哪了"
ORDER_ENTITY = {"start": 2, "end": 18, "value": "2634462590801991", "entity": "order_id"}


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("pipeline")
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config.pop("policies", None)
    (tmp / "config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    data = make_training_data()
    data.training_examples.append(Message.build(ORDER_EXAMPLE, "order_status", [ORDER_ENTITY]))
    data.regex_features.append({"name": "order_id", "pattern": ORDER_ID})
    RasaWriter().dump(tmp / "nlu.json", data)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)  # the jieba dictionary path in config.yml is relative
        patch.setenv("RASA_CACHE_DIRECTORY", str(tmp / "cache"))
        patch.setenv("RASA_TELEMETRY_ENABLED", "false")
        trained = train_nlu(str(tmp / "config.yml"), str(tmp / "nlu.json"), str(tmp / "models"))
    assert trained is not None
    return Path(trained)


@pytest.fixture(scope="module")
def agent(model: Path) -> Agent:
    return Agent.load(str(model))


async def test_loaded_model_classifies_with_a_top_10_ranking(agent: Agent) -> None:
    result = await agent.parse_message("麻烦帮我查一下订单")

    assert result["intent"]["name"] == "order_status"
    ranking = result["intent_ranking"]
    assert 1 < len(ranking) <= 10
    assert ranking[0]["name"] == "order_status"


async def test_full_width_text_is_normalised_before_classifying(agent: Agent) -> None:
    result = await agent.parse_message("我要退款！！")

    assert result["text"] == "我要退款!!"
    assert result["intent"]["name"] == "refund_request"


async def test_traditional_characters_are_read_as_simplified(agent: Agent) -> None:
    result = await agent.parse_message("我要退款，訂單２５３５９８６１７５９６８３４９")

    assert result["text"] == "我要退款,订单2535986175968349"
    assert result["intent"]["name"] == "refund_request"
    [entity] = result["entities"]
    assert (entity["value"], entity["start"], entity["end"]) == ("2535986175968349", 7, 23)


async def test_full_width_order_number_is_extracted_by_the_regex(agent: Agent) -> None:
    result = await agent.parse_message("帮我查下订单２５３５９８６１７５９６８３４９")

    assert [(e["entity"], e["value"]) for e in result["entities"]] == [
        ("order_id", "2535986175968349")
    ]


async def test_gibberish_ends_out_of_scope_or_in_fallback(agent: Agent) -> None:
    for text in ["asdfghjkl", "鞂簙帜蹯嬂", "？？？？"]:
        result = await agent.parse_message(text)

        assert result["intent"]["name"] in {"out_of_scope", "nlu_fallback"}

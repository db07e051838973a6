"""The training worker: a real train-and-evaluate run, failures, and the parent's side."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from bot.trainer.editor import TrainingDataEditor
from bot.trainer.evaluation import Metrics, load_test_split
from bot.trainer.worker import TrainingFailed, run, run_worker, write_json
from bot.training import fingerprint, model_path

ROOT = Path(__file__).resolve().parents[3]
TEST_SPLIT = ROOT / "tests" / "nlu"
NEW_INTENT = "live_stream_time"
NEW_EXAMPLES = ["直播几点开始", "你们几点直播", "直播间每天几点开", "今晚几点开播"]
# As if labelled from the inbox since the last run: one new-intent question, one old.
LABELLED = ["直播几点开始", "我的订单到哪了"]


def copy_project(dest: Path) -> Path:
    dest.mkdir()
    for name in ("config.yml", "domain.yml"):
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "nlu_data", dest / "nlu_data")
    return dest


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One real run of the worker on a copy of the project (trains a model: about a minute).

    A trainer has just added an intent the held-out split has no example of.
    """
    tmp = tmp_path_factory.mktemp("worker")
    root = copy_project(tmp / "root")
    TrainingDataEditor(root).create_intent(NEW_INTENT, NEW_EXAMPLES, "每晚 20:00 开播")
    stages: list[str] = []
    started = time.perf_counter()
    result = asyncio.run(
        run_worker(root, tmp / "models", TEST_SPLIT, tmp / "out.json", on_stage=stages.append,
                   labelled=LABELLED)
    )  # fmt: skip
    wall = time.perf_counter() - started
    print(f"worker: train {result['train_seconds']}s, evaluate {result['evaluate_seconds']}s, "
          f"wall {wall:.1f}s")  # fmt: skip
    return {"result": result, "stages": stages, "root": root, "tmp": tmp}


def test_real_run_trains_a_good_model(trained: dict[str, Any]) -> None:
    result, root, tmp = trained["result"], trained["root"], trained["tmp"]

    metrics = Metrics.from_dict(result["metrics"])
    assert metrics.accuracy > 0.9
    assert metrics.n_test == len(load_test_split(TEST_SPLIT))
    assert result["trained"] is True and result["train_seconds"] > 0
    assert result["data_hash"] == fingerprint(root)
    assert Path(result["model"]) == model_path(tmp / "models", fingerprint(root))
    assert Path(result["model"]).is_file()
    assert result["baseline"] is None
    assert trained["stages"] == ["training", "evaluating", "done"]
    assert json.loads((tmp / "out.json").read_text(encoding="utf-8")) == result


def test_the_new_model_reads_the_labelled_texts_and_names_what_the_split_cannot_measure(
    trained: dict[str, Any],
) -> None:
    result = trained["result"]

    assert result["metrics"]["untested_intents"] == [NEW_INTENT]
    assert NEW_INTENT not in {row["intent"] for row in result["metrics"]["per_intent"]}
    readings = result["labelled"]
    assert [r["predicted"] for r in readings] == [NEW_INTENT, "logistics_track"]
    assert not any(r["fell_back"] for r in readings)
    assert all(0.5 < r["confidence"] <= 1 for r in readings)


async def test_existing_model_is_reused_and_baseline_scored_on_the_same_split(
    trained: dict[str, Any],
) -> None:
    first, tmp = trained["result"], trained["tmp"]
    stages: list[str] = []

    async def record(stage: str) -> None:
        stages.append(stage)

    result = await run_worker(
        trained["root"], tmp / "models", TEST_SPLIT, tmp / "again.json",
        baseline=Path(first["model"]), on_stage=record,
    )  # fmt: skip

    assert result["trained"] is False and result["train_seconds"] == 0
    assert result["model"] == first["model"]
    assert result["baseline"]["model"] == first["model"]
    assert result["baseline"]["metrics"] == result["metrics"] == first["metrics"]
    assert stages == ["training", "evaluating", "baseline", "done"]
    assert [p.name for p in (tmp / "models").iterdir()] == [Path(first["model"]).name]


async def test_broken_config_fails_with_a_useful_message(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "root")
    (root / "config.yml").write_text("pipeline:\n  - name: [unclosed\n", encoding="utf-8")

    with pytest.raises(TrainingFailed) as failed:
        await run_worker(root, tmp_path / "models", TEST_SPLIT, tmp_path / "out.json")

    assert "config.yml" in failed.value.message
    assert "error" in json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert not list((tmp_path / "models").glob("*.tar.gz"))


def test_missing_test_split_fails_before_training(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="test split"):
        run(tmp_path, tmp_path / "models", tmp_path / "missing", None)


def test_write_json_replaces_the_file_whole(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "out.json"
    write_json(out, {"a": "旧"})
    write_json(out, {"b": "新"})

    assert json.loads(out.read_text(encoding="utf-8")) == {"b": "新"}
    assert [p.name for p in out.parent.iterdir()] == ["out.json"]


def fake_python(tmp_path: Path, body: str) -> str:
    """An executable standing in for the interpreter: ``out`` is the --out argument."""
    script = tmp_path / "fake-python"
    script.write_text(
        f"#!{sys.executable}\nimport json, os, sys, time\n"
        "out = sys.argv[sys.argv.index('--out') + 1]\n" + body,
        encoding="utf-8",
    )
    script.chmod(0o755)
    return str(script)


async def test_stages_split_across_chunks_and_carriage_returns(tmp_path: Path) -> None:
    python = fake_python(
        tmp_path,
        "sys.stdout.write('progress 10%\\rprogress 90%\\rstage: trai'); sys.stdout.flush()\n"
        "time.sleep(0.2)\n"
        "print('ning'); print('x' * 200000); print('stage: done', flush=True)\n"
        "json.dump({'metrics': {'accuracy': 1.0}}, open(out, 'w'))\n",
    )
    stages: list[str] = []

    result = await run_worker(tmp_path, tmp_path, tmp_path, tmp_path / "out.json",
                              python=python, on_stage=stages.append)  # fmt: skip

    assert stages == ["training", "done"]
    assert result == {"metrics": {"accuracy": 1.0}}


async def test_a_crash_without_result_reports_the_last_output(tmp_path: Path) -> None:
    (tmp_path / "out.json").write_text('{"metrics": {}}')  # an earlier run's result
    python = fake_python(tmp_path, "print('Segmentation fault', file=sys.stderr); sys.exit(3)\n")

    with pytest.raises(TrainingFailed) as failed:
        await run_worker(tmp_path, tmp_path, tmp_path, tmp_path / "out.json", python=python)

    assert "code 3" in failed.value.message
    assert "Segmentation fault" in failed.value.message


async def test_the_worker_error_is_the_message(tmp_path: Path) -> None:
    python = fake_python(
        tmp_path, "json.dump({'error': 'ValueError: bad data'}, open(out, 'w')); sys.exit(1)\n"
    )

    with pytest.raises(TrainingFailed, match="^ValueError: bad data$"):
        await run_worker(tmp_path, tmp_path, tmp_path, tmp_path / "out.json", python=python)


async def test_cancelling_kills_the_child(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    python = fake_python(
        tmp_path, f"open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)\n"
    )

    task = asyncio.create_task(
        run_worker(tmp_path, tmp_path, tmp_path, tmp_path / "out.json", python=python)
    )
    for _ in range(200):  # the child has started once it wrote its pid
        if pid_file.exists() and pid_file.read_text():
            break
        await asyncio.sleep(0.05)
    task.cancel()

    with pytest.raises(asyncio.CancelledError):  # not a timeout: the child was killed
        await asyncio.wait_for(task, 10)
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)

"""``kefu trainer``: the workbench from a terminal, for scripts and for people who prefer it."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from actions.shop.db import ensure_sqlite_dir, make_engine, make_sessionmaker
from bot.conversations import utc_now
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.settings import Settings
from bot.trainer import wiring
from bot.trainer.errors import LabelConflict, TrainerError
from bot.trainer.models import BLOCKED, DEPLOYED, FINAL, TRAINED
from bot.trainer.workbench import Workbench

ROOT = Path(__file__).resolve().parents[2]
EXIT_BLOCKED = 3


def _ids(raw: str) -> list[int]:
    try:
        return [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("ids are comma-separated numbers, e.g. 12,15") from None


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the ``trainer`` subcommands (inbox, label, train, deploy, history…)."""
    trainer = commands.add_parser("trainer", help="review missed messages, label, retrain")
    trainer.add_argument("--as", dest="who", default=None, help="name recorded as the trainer")
    trainer.add_argument("--json", action="store_true", help="print JSON")
    actions = trainer.add_subparsers(dest="trainer_command", required=True)
    inbox = actions.add_parser("inbox", help="messages the bot missed, grouped")
    inbox.add_argument("--limit", type=int, default=30)
    actions.add_parser("intents", help="intents with example counts and answers")
    label = actions.add_parser("label", help="add inbox messages to an existing intent")
    label.add_argument("--ids", type=_ids, required=True)
    label.add_argument("--intent", required=True)
    new = actions.add_parser("new-intent", help="create an intent with examples and an answer")
    new.add_argument("--name", required=True)
    new.add_argument("--answer", required=True)
    new.add_argument("--title", help="how 「您是不是想问」 offers it when the bot is unsure")
    new.add_argument("--example", action="append", default=[], help="repeat for each example")
    new.add_argument("--ids", type=_ids, default=[], help="inbox messages to use as examples")
    title = actions.add_parser("title", help="how 「您是不是想问」 offers an intent")
    title.add_argument("--intent", required=True)
    title.add_argument("--title", default="", help="empty: never offer the intent there")
    dismiss = actions.add_parser("dismiss", help="drop inbox messages without labelling")
    dismiss.add_argument("--ids", type=_ids, required=True)
    train = actions.add_parser("train", help="retrain, evaluate and deploy unless it regresses")
    train.add_argument("--no-deploy", action="store_true", help="train and evaluate only")
    train.add_argument("--override-reason", help="deploy even if accuracy drops, for this reason")
    deploy = actions.add_parser("deploy", help="deploy a blocked or trained run")
    deploy.add_argument("run_id", type=int)
    deploy.add_argument("--override-reason", default=None)
    runs = actions.add_parser("runs", help="training history")
    runs.add_argument("--limit", type=int, default=20)
    show = actions.add_parser("show", help="one run's metrics")
    show.add_argument("run_id", type=int)
    actions.add_parser("validate", help="rasa data validate on the training data")


def _print_groups(found: dict[str, Any]) -> None:
    print(f"{found['total']} open messages")
    for g in found["groups"]:
        ids = ",".join(str(item["id"]) for item in g["items"])
        confidence = "" if g["confidence"] is None else f" {g['confidence']:.2f}"
        print(f"×{g['count']:<3} {g['intent'] or '?'}{confidence} [{'/'.join(g['reasons'])}] "
              f"{g['representative']}  (ids {ids})")  # fmt: skip
        if g["shopper_choices"]:
            picked = ", ".join(f"{c['intent']} ×{c['count']}" for c in g["shopper_choices"])
            print(f"     shoppers picked: {picked}")


def _print_run(run: dict[str, Any], full: bool = False) -> None:
    metrics, baseline = run.get("metrics") or {}, run.get("baseline") or {}
    accuracy = f"{metrics['accuracy']:.4f}" if metrics.get("accuracy") is not None else "—"
    serving = f"{baseline['accuracy']:.4f}" if baseline.get("accuracy") is not None else "—"
    print(f"#{run['id']} {run['status']} by {run['triggered_by']} at {run['started_at']} "
          f"data {run['data_hash'] or '—'} accuracy {accuracy} (serving {serving}) "
          f"seconds {run['seconds']}")  # fmt: skip
    if run.get("verdict"):
        print(f"   {run['verdict']['reason']}")
    if run.get("error"):
        print(f"   error: {run['error']}")
    if full and metrics:
        _print_effect(run)
    if full and metrics.get("per_intent"):
        print("   intent                     P      R      F1   n")
        for score in metrics["per_intent"]:
            print(f"   {score['intent']:<24} {score['precision']:.3f}  {score['recall']:.3f}  "
                  f"{score['f1']:.3f}  {score['support']}")  # fmt: skip
        for pair in metrics.get("confused_pairs", [])[:10]:
            print(f"   confused: {pair['gold']} → {pair['predicted']} ×{pair['count']}")


def _print_effect(run: dict[str, Any]) -> None:
    """What the test split cannot show: the labelled messages re-read, intents left untested."""
    labelled = run.get("labelled")
    if labelled is not None:
        print(f"   labelled since the previous run: {labelled['total']} messages, "
              f"the new model reads {labelled['correct']} as labelled")  # fmt: skip
        for miss in labelled["misses"]:
            fell_back = " (fallback)" if miss["fell_back"] else ""
            print(f"   still missed: 「{miss['text']}」 labelled {miss['intent']}, read as "
                  f"{miss['predicted']} {miss['confidence']:.2f}{fell_back}")  # fmt: skip
    untested = (run.get("metrics") or {}).get("untested_intents") or []
    if untested:
        print(f"   NOT MEASURED (no held-out test examples in tests/nlu): {', '.join(untested)}")


async def _wait_for(workbench: Workbench, run_id: int) -> dict[str, Any]:
    stage = None
    while True:
        run = await workbench.history.get(run_id)
        if run["stage"] != stage:
            stage = run["stage"]
            print(f"… {stage}", flush=True)
        if run["status"] in FINAL:
            return await workbench.run(run_id)
        await asyncio.sleep(0.5)


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    who = args.who or f"cli:{getpass.getuser()}"
    show: Callable[[Any], None] = lambda data: print(json.dumps(data, ensure_ascii=False, indent=2))  # noqa: E731

    async def with_workbench(work: Callable[[Workbench], Awaitable[int]]) -> int:
        ensure_sqlite_dir(settings.database_url)
        engine = make_engine(settings.database_url)
        rasa = RasaClient(settings.rasa_url, settings.rasa_timeout, token=settings.rasa_token)
        # The CLI reads what the gateway masked already; it never sees raw messages.
        workbench = wiring.build_workbench(
            settings, make_sessionmaker(engine), rasa, str, utc_now, ROOT
        )
        try:
            await wiring.create_schema(engine)
            return await work(workbench)
        finally:
            await workbench.wait()
            await rasa.aclose()
            await engine.dispose()

    async def inbox(w: Workbench) -> int:
        found = await w.inbox.groups(args.limit)
        show(found) if args.json else _print_groups(found)
        return 0

    async def intents(w: Workbench) -> int:
        found = await w.intents()
        if args.json:
            show(found)
        for info in [] if args.json else found:
            title = f"「{info['title']}」 " if info.get("title") else ""
            print(f"{info['name']:<24} {info['examples']:>4}  {title}{info.get('response') or ''}")
        return 0

    async def label(w: Workbench) -> int:
        result = await w.label(args.ids, args.intent, who)
        show(result) if args.json else print(
            f"added {len(result['added'])}, already there {len(result['duplicates'])}"
        )
        return 0

    async def new_intent(w: Workbench) -> int:
        result = await w.create_intent(
            args.name, args.example, args.answer, args.ids, who, title=args.title
        )
        show(result) if args.json else print(f"created intent {args.name}")
        return 0

    async def set_title(w: Workbench) -> int:
        result = await w.set_title(args.intent, args.title or None)
        shown = result["intent"]["title"]
        show(result) if args.json else print(
            f"{args.intent}: 「{shown}」" if shown else f"{args.intent}: not offered"
        )
        return 0

    async def dismiss(w: Workbench) -> int:
        print(f"dismissed {await w.dismiss(args.ids, who)}")
        return 0

    async def finish(w: Workbench, run: dict[str, Any]) -> int:
        run = await _wait_for(w, run["id"])
        show(run) if args.json else _print_run(run, full=True)
        if run["status"] in (DEPLOYED, TRAINED):
            return 0
        return EXIT_BLOCKED if run["status"] == BLOCKED else 1

    async def train(w: Workbench) -> int:
        run = await w.start_run(who, not args.no_deploy, args.override_reason)
        return await finish(w, run)

    async def deploy(w: Workbench) -> int:
        return await finish(w, await w.deploy_run(args.run_id, args.override_reason))

    async def runs(w: Workbench) -> int:
        found = await w.history.recent(args.limit)
        if args.json:
            show(found)
        for run in [] if args.json else found:
            _print_run(run)
        return 0

    async def one(w: Workbench) -> int:
        run = await w.run(args.run_id)
        show(run) if args.json else _print_run(run, full=True)
        return 0

    async def validate(w: Workbench) -> int:
        report = await asyncio.to_thread(w.validate)
        print("clean" if report.ok else "\n".join(report.problems))
        return 0 if report.ok else 1

    commands = {
        "inbox": inbox, "intents": intents, "label": label, "new-intent": new_intent,
        "title": set_title, "dismiss": dismiss, "train": train, "deploy": deploy, "runs": runs,
        "show": one, "validate": validate,
    }  # fmt: skip
    return await with_workbench(commands[args.trainer_command])


def cmd_trainer(settings: Settings, args: argparse.Namespace) -> int:
    """Run a ``trainer`` subcommand; trainer errors print their message and exit 1."""
    try:
        return asyncio.run(_run(settings, args))
    except LabelConflict as exc:
        print(f"kefu trainer: {exc.message}", file=sys.stderr)
        for conflict in exc.conflicts:
            print(
                f"  「{conflict.text}」 is already an example of {conflict.intent}", file=sys.stderr
            )
        return 1
    except TrainerError as exc:
        print(f"kefu trainer: {exc.message}", file=sys.stderr)
        return 1
    except RasaUnavailable as exc:
        print(f"kefu trainer: Rasa is not reachable at {settings.rasa_url}: {exc}", file=sys.stderr)
        return 1

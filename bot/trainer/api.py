"""The trainer's page and its API under ``/api/trainer``; trainers and supervisors only."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.http import asset_files
from bot.rasa_client import RasaUnavailable
from bot.trainer.errors import InvalidInput, LabelConflict, TrainerError
from bot.trainer.inbox import check_ids
from bot.trainer.workbench import Workbench
from handoff.auth import Authenticator
from handoff.errors import AuthError, HandoffError, NotAllowed
from handoff.views import AgentView
from handoff.vocab import SUPERVISOR, TRAINER

PAGE_DIR = Path(__file__).parent / "page"
PAGE_ASSETS = {"trainer.js": "text/javascript", "trainer.css": "text/css"}
TRAINER_ROLES = (TRAINER, SUPERVISOR)
MAX_PARSE_CHARS = 500

Endpoint = Callable[[Request], Awaitable[Response]]
# Codes of trainer errors that are not a 400.
STATUS_OF_CODE = {
    "unknown_intent": 404,
    "not_found": 404,
    "conflict": 409,
    "intent_exists": 409,
    "run_in_progress": 409,
}


def _error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


def _trainer_error(exc: TrainerError) -> JSONResponse:
    extra: dict[str, Any] = {}
    if isinstance(exc, LabelConflict):
        extra["conflicts"] = [{"text": c.text, "intent": c.intent} for c in exc.conflicts]
    return _error(STATUS_OF_CODE.get(exc.code, 400), exc.code, exc.message, **extra)


async def _body(request: Request) -> dict[str, Any]:
    try:
        body: Any = await request.json()
    except json.JSONDecodeError:
        raise InvalidInput("body", "请发送 JSON 对象") from None
    if not isinstance(body, dict):
        raise InvalidInput("body", "请发送 JSON 对象")
    return body


def _text(body: dict[str, Any], name: str, required: bool = True) -> str:
    value = body.get(name, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidInput(name, f"缺少 {name}")
    return value


def _limit(request: Request, default: int = 100, most: int = 500) -> int:
    raw = request.query_params.get("limit")
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        raise InvalidInput("limit", f"limit 须为 1–{most} 的整数")
    return int(raw)


async def _page(request: Request) -> Response:
    return FileResponse(PAGE_DIR / "trainer.html", media_type="text/html")


def trainer_routes(auth: Authenticator, workbench: Workbench) -> list[BaseRoute]:
    """The ``/trainer`` page and the ``/api/trainer`` routes."""

    async def current_trainer(request: Request) -> AgentView:
        user = await auth.user_for_header(request.headers.get("authorization", ""))
        if user.role not in TRAINER_ROLES:
            raise NotAllowed("只有训练师和主管可以训练机器人")
        return user

    def guarded(endpoint: Callable[[Request, AgentView], Awaitable[Response]]) -> Endpoint:
        async def run(request: Request) -> Response:
            try:
                return await endpoint(request, await current_trainer(request))
            except HandoffError as exc:  # from logging in: who the caller is
                status = 401 if isinstance(exc, AuthError) else 403
                return _error(status, exc.code, exc.message)
            except TrainerError as exc:
                return _trainer_error(exc)
            except RasaUnavailable as exc:
                return _error(503, "rasa_unavailable", f"Rasa 暂时无法访问：{exc}")

        return run

    async def inbox(request: Request, user: AgentView) -> Response:
        return JSONResponse(await workbench.inbox.groups(_limit(request)))

    async def intents(request: Request, user: AgentView) -> Response:
        return JSONResponse({"intents": await workbench.intents()})

    async def label(request: Request, user: AgentView) -> Response:
        body = await _body(request)
        ids = check_ids(body.get("miss_ids"))
        result = await workbench.label(ids, _text(body, "intent"), user.username)
        return JSONResponse(result)

    async def create_intent(request: Request, user: AgentView) -> Response:
        body = await _body(request)
        examples = body.get("examples", [])
        if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
            raise InvalidInput("examples", "examples 须为文本列表")
        ids = check_ids(body["miss_ids"]) if body.get("miss_ids") else []
        result = await workbench.create_intent(
            _text(body, "name"),
            examples,
            _text(body, "answer"),
            ids,
            user.username,
            title=_text(body, "title", required=False) or None,
        )
        return JSONResponse(result, status_code=201)

    async def set_title(request: Request, user: AgentView) -> Response:
        title = _text(await _body(request), "title", required=False) or None
        return JSONResponse(await workbench.set_title(request.path_params["name"], title))

    async def dismiss(request: Request, user: AgentView) -> Response:
        ids = check_ids((await _body(request)).get("miss_ids"))
        return JSONResponse({"dismissed": await workbench.dismiss(ids, user.username)})

    async def status(request: Request, user: AgentView) -> Response:
        return JSONResponse({**await workbench.pending_changes(), "busy": workbench.busy()})

    async def start_run(request: Request, user: AgentView) -> Response:
        body = await _body(request)
        reason = body.get("override_reason")
        if reason is not None and not isinstance(reason, str):
            raise InvalidInput("override_reason", "override_reason 须为文本")
        run = await workbench.start_run(user.username, bool(body.get("deploy", True)), reason)
        return JSONResponse({"run": run}, status_code=202)

    async def runs(request: Request, user: AgentView) -> Response:
        return JSONResponse({"runs": await workbench.history.recent(_limit(request, 50, 500))})

    async def run(request: Request, user: AgentView) -> Response:
        return JSONResponse(await workbench.run(int(request.path_params["run_id"])))

    async def deploy(request: Request, user: AgentView) -> Response:
        reason = _text(await _body(request), "override_reason", required=False)
        run_id = int(request.path_params["run_id"])
        return JSONResponse({"run": await workbench.deploy_run(run_id, reason)}, status_code=202)

    async def parse(request: Request, user: AgentView) -> Response:
        text = _text(await _body(request), "text")
        if len(text) > MAX_PARSE_CHARS:
            raise InvalidInput("text", f"句子最长 {MAX_PARSE_CHARS} 个字")
        parsed = await workbench.parse(text)
        return JSONResponse(
            {
                "text": text,
                "intent": parsed.get("intent"),
                "intent_ranking": (parsed.get("intent_ranking") or [])[:5],
                "entities": parsed.get("entities") or [],
            }
        )

    return [
        Route("/trainer", _page),
        Route("/trainer/static/{name}", asset_files(PAGE_DIR, PAGE_ASSETS)),
        Route("/api/trainer/inbox", guarded(inbox), methods=["GET"]),
        Route("/api/trainer/intents", guarded(intents), methods=["GET"]),
        Route("/api/trainer/intents", guarded(create_intent), methods=["POST"]),
        Route("/api/trainer/intents/{name}/title", guarded(set_title), methods=["PUT"]),
        Route("/api/trainer/label", guarded(label), methods=["POST"]),
        Route("/api/trainer/dismiss", guarded(dismiss), methods=["POST"]),
        Route("/api/trainer/status", guarded(status), methods=["GET"]),
        Route("/api/trainer/runs", guarded(runs), methods=["GET"]),
        Route("/api/trainer/runs", guarded(start_run), methods=["POST"]),
        Route("/api/trainer/runs/{run_id:int}", guarded(run), methods=["GET"]),
        Route("/api/trainer/runs/{run_id:int}/deploy", guarded(deploy), methods=["POST"]),
        Route("/api/trainer/parse", guarded(parse), methods=["POST"]),
    ]

"""Plain HTTP routes of the gateway: widget pages, staff-page and vendor assets, health."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.health import BackendHealth
from bot.identity import sign

WIDGET_DIR = Path(__file__).parent / "widget"
# Only these leave bot/widget/: never its node_modules or package files.
WIDGET_ASSETS = {"widget.js": "text/javascript", "widget.css": "text/css"}
# What the staff pages (agent console, trainer page) share: bot/ui/.
UI_DIR = Path(__file__).parent / "ui"
UI_ASSETS = {"staff.js": "text/javascript", "staff.css": "text/css"}
VENDOR_FILES = {
    "socket.io.min.js": "socket.io-client/dist/socket.io.min.js",
    "socket.io.min.js.map": "socket.io-client/dist/socket.io.min.js.map",
    "rasa-webchat.js": "rasa-webchat/lib/index.js",
}


def _page(name: str) -> Route:
    async def endpoint(request: Request) -> Response:
        return FileResponse(WIDGET_DIR / name, media_type="text/html")

    return Route("/" if name == "index.html" else f"/{name.removesuffix('.html')}", endpoint)


def asset_files(
    folder: Path, media_types: dict[str, str]
) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint serving ``{name}`` from ``folder``, only the names listed, with their type."""

    async def endpoint(request: Request) -> Response:
        name = request.path_params["name"]
        media_type = media_types.get(name)
        if media_type is None:
            return PlainTextResponse("Not Found", status_code=404)
        return FileResponse(folder / name, media_type=media_type)

    return endpoint


async def _vendor(request: Request) -> Response:
    name = request.path_params["name"]
    relative = VENDOR_FILES.get(name)
    if relative is None:
        return PlainTextResponse("Not Found", status_code=404)
    path = WIDGET_DIR / "node_modules" / relative
    if not path.is_file():
        return PlainTextResponse(
            f"{relative} is not installed: run `make setup` (npm ci --prefix bot/widget)",
            status_code=503,
        )
    return FileResponse(path, headers={"Cache-Control": "public, max-age=3600"})


#: What a served picture may do if opened on its own: nothing (no scripts, no loads).
IMAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, max-age=3600",
    "Referrer-Policy": "no-referrer",
}
_IMAGE_ID = re.compile(r"^[0-9a-f]{32}$")
ImageReader = Callable[[str], Awaitable[tuple[str, bytes] | None]]


def routes(
    health: BackendHealth,
    identity_secret: str,
    demo_shopper: str | None,
    images: ImageReader,
) -> list[BaseRoute]:
    """The gateway's HTTP routes; ``images`` reads a kept picture by id."""

    async def healthz(request: Request) -> Response:
        report = await health.report()
        status = "ok" if all(report.values()) else "degraded"
        return JSONResponse({"status": status, **report})

    async def demo_identity(request: Request) -> Response:
        if not demo_shopper:
            return JSONResponse({"error": "demo mode is off"}, status_code=404)
        return JSONResponse(
            {"shopper_id": demo_shopper, "signature": sign(identity_secret, demo_shopper)}
        )

    async def image(request: Request) -> Response:
        image_id = request.path_params["image_id"]
        found = await images(image_id) if _IMAGE_ID.match(image_id) else None
        if found is None:
            return PlainTextResponse("Not Found", status_code=404)
        content_type, data = found
        return Response(data, media_type=content_type, headers=IMAGE_HEADERS)

    return [
        _page("index.html"),
        _page("webchat.html"),
        Route("/healthz", healthz),
        Route("/api/demo/identity", demo_identity),
        Route("/images/{image_id}", image),
        Route("/vendor/{name}", _vendor),
        Route("/static/{name}", asset_files(WIDGET_DIR, WIDGET_ASSETS)),
        Route("/ui/{name}", asset_files(UI_DIR, UI_ASSETS)),
    ]


def middleware(allowed_origins: tuple[str, ...]) -> list[Middleware]:
    """CORS for host pages on other origins that embed the widget."""
    if not allowed_origins:
        return []
    return [Middleware(CORSMiddleware, allow_origins=list(allowed_origins), allow_methods=["GET"])]

"""The loopback server helper turns a server that never stops into a clear failure."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from starlette.applications import Starlette

from tests import servers


async def test_a_server_that_does_not_stop_fails_with_the_stacks(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    @contextlib.asynccontextmanager
    async def stuck(app: Starlette) -> AsyncIterator[None]:
        yield
        await asyncio.Event().wait()  # a shutdown step waiting for nothing

    monkeypatch.setattr(servers, "STOP_TIMEOUT", 0.5)

    with pytest.raises(AssertionError, match="did not stop within 0.5 s"):
        async with servers.serving(Starlette(lifespan=stuck)):
            pass

    assert "stuck" in capsys.readouterr().err

"""Pictures from shoppers: told by their bytes, kept, answered and served."""

from __future__ import annotations

import os

import httpx
import pytest

from bot import copy
from bot.images import MAX_IMAGE_BYTES, image_type
from bot.protocol import ProtocolError, parse_user_image
from tests.bot.fake_rasa import FakeRasa
from tests.images import png
from tests.socket_clients import WidgetClient

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(32)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (png(), "image/png"),
        (JPEG, "image/jpeg"),
        (b"GIF89a" + bytes(20), "image/gif"),
        (WEBP, "image/webp"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", None),
        (b"<html><img src=x onerror=alert(1)>", None),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),
        (b"", None),
    ],
)
def test_only_the_bytes_tell_a_picture(data: bytes, kind: str | None) -> None:
    assert image_type(data) == kind


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("not an object", "invalid_payload"),
        ({"session_id": "abcdefgh"}, "invalid_image"),
        ({"image": "iVBORw0KGgo="}, "invalid_image"),  # base64 text is not the bytes
        ({"image": b""}, "invalid_image"),
        ({"image": b"%PDF-1.7"}, "unsupported_image"),
        ({"image": JPEG + bytes(MAX_IMAGE_BYTES)}, "image_too_large"),
    ],
)
def test_a_payload_that_is_not_a_picture_is_refused_clearly(payload: object, code: str) -> None:
    with pytest.raises(ProtocolError) as refused:
        parse_user_image(payload)
    assert refused.value.code == code


async def test_the_bot_says_it_cannot_see_a_picture_and_offers_a_person(
    gateway: str, client: WidgetClient, rasa: FakeRasa
) -> None:
    session_id, _ = await client.start_session()
    picture = png()
    ack = await client.send_image(picture, session_id)
    reply = await client.next("bot_uttered")
    assert ack["ok"] is True and isinstance(ack["message_id"], int)
    assert reply["text"] == copy.PICTURE_TO_BOT
    assert [b["payload"] for b in reply["quick_replies"]] == ["/request_human"]
    assert rasa.received == []  # the model never reads 「[图片]」

    again = WidgetClient()
    await again.connect(gateway)
    _, history = await again.start_session(session_id)
    await again.close()
    sent = history[0]
    assert (sent["sender"], sent["text"]) == ("shopper", "[图片]")
    assert sent["attachment"]["type"] == "image"
    src = sent["attachment"]["payload"]["src"]
    async with httpx.AsyncClient(base_url=gateway) as http:
        served = await http.get(src)
        unknown = await http.get("/images/" + "0" * 32)
        malformed = await http.get("/images/..%2Fkefu.db")
    assert served.status_code == 200 and served.content == picture
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in served.headers["content-security-policy"]
    assert unknown.status_code == 404 and malformed.status_code == 404


async def test_a_file_that_is_not_a_picture_is_refused_and_not_kept(
    gateway: str, client: WidgetClient
) -> None:
    session_id, _ = await client.start_session()
    ack = await client.send_image(b"<svg onload=alert(1)>", session_id)
    error = await client.next("kefu_error")
    assert ack == {"ok": False, "error": error} and error["code"] == "unsupported_image"
    await client.say("你好", session_id)  # the connection carries on
    assert (await client.next("bot_uttered"))["text"] == "收到：你好"
    again = WidgetClient()
    await again.connect(gateway)
    _, history = await again.start_session(session_id)
    await again.close()
    assert [m["text"] for m in history if m["sender"] == "shopper"] == ["你好"]


async def test_the_largest_picture_also_goes_over_long_polling(gateway: str) -> None:
    # Polling carries binary as base64, a third larger, within the 1 MB packet limit.
    widget = WidgetClient()
    await widget.connect(gateway, transport="polling")
    try:
        session_id, _ = await widget.start_session()
        largest = b"\x89PNG\r\n\x1a\n" + os.urandom(MAX_IMAGE_BYTES - 8)
        ack = await widget.send_image(largest, session_id)
    finally:
        # A polite close over polling waits for the pending poll (30 s); this test
        # is about the upload.
        await widget.sio.eio.disconnect(abort=True)
    assert ack["ok"] is True


async def test_a_flood_of_pictures_is_refused_after_the_hourly_allowance(
    gateway: str, client: WidgetClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.conversations.PICTURES_PER_HOUR", 2)
    session_id, _ = await client.start_session()
    acks = [await client.send_image(png(), session_id) for _ in range(3)]
    error = await client.next("kefu_error")
    assert [ack["ok"] for ack in acks] == [True, True, False]
    assert acks[2]["error"] == error and error["code"] == "too_many_images"
    assert (await client.say("图片发不了了", session_id))["ok"] is True  # words still go

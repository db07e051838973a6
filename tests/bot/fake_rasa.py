"""A stand-in for Rasa's REST channel, for gateway tests (httpx.MockTransport)."""

from __future__ import annotations

import json
from typing import Any

import httpx


class FakeRasa:
    """Answers every message with ``reply_for(text)``; can be switched off."""

    def __init__(self) -> None:
        self.up = True
        self.received: list[dict[str, Any]] = []
        self.recorded: dict[str, list[dict[str, Any]]] = {}
        self.forgotten: list[str] = []  # conversations whose events were replaced by none
        self.intent = "greet"  # what the kefu channel's parse says every message is
        self.parse_fails = False  # /model/parse answers HTTP 500

    def reply_for(self, text: str) -> list[dict[str, Any]]:
        """Echo the text, with two buttons when asked for 「菜单」."""
        if text.startswith("转人工"):
            handoff = {
                "reason": "requested",
                "priority": "normal",
                "team": "general",
                "summary": [text],
            }
            return [{"text": "正在为您转接人工客服"}, {"custom": {"handoff": handoff}}]
        if text == "退款提醒":
            return [
                {
                    "text": "刚才的退款申请还没有提交，需要继续申请吗？",
                    "buttons": [
                        {"title": "继续退款", "payload": "订单1申请退款"},
                        {"title": "不用了", "payload": "/deny"},
                    ],
                }
            ]
        if text.startswith("菜单"):
            return [
                {"text": "请选择", "buttons": [{"title": "查订单", "payload": "/order_status"}]}
            ]
        return [{"text": f"收到：{text}"}]

    def handler(self, request: httpx.Request) -> httpx.Response:
        """The MockTransport handler."""
        if not self.up:
            raise httpx.ConnectError("connection refused", request=request)
        if request.url.path == "/webhooks/rest/webhook":
            body = json.loads(request.content)
            self.received.append(body)
            return httpx.Response(200, json=self.reply_for(body["message"]))
        if request.url.path == "/webhooks/kefu/webhook":
            body = json.loads(request.content)
            self.received.append(body)
            parse = {"intent": {"name": self.intent, "confidence": 0.95}, "intent_ranking": []}
            return httpx.Response(
                200, json={"messages": self.reply_for(body["message"]), "parse": parse}
            )
        if request.url.path.startswith("/conversations/"):
            sender = request.url.path.split("/")[2]
            if request.method == "PUT" and json.loads(request.content) == []:
                self.forgotten.append(sender)
            self.recorded.setdefault(sender, []).extend(json.loads(request.content))
            return httpx.Response(200, json={})
        if request.url.path == "/model/parse" and self.parse_fails:
            return httpx.Response(500, json={"message": "parse failed"})
        if request.url.path == "/model/parse":
            text = json.loads(request.content)["text"]
            intent = "refund_request" if "退" in text else "greet"
            ranking = [
                {"name": intent, "confidence": 0.9},
                {"name": "request_human", "confidence": 0.05},
            ]
            return httpx.Response(
                200, json={"text": text, "intent": ranking[0], "intent_ranking": ranking}
            )
        if request.url.path in ("/", "/health"):
            return httpx.Response(200, text="ok")
        if request.url.path == "/status":
            return httpx.Response(200, json={"model_file": "kefu.tar.gz"})
        return httpx.Response(404)

    def transport(self) -> httpx.MockTransport:
        """An httpx transport backed by this fake."""
        return httpx.MockTransport(self.handler)

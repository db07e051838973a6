"""Configuration, read from the environment once and passed on explicitly."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from handoff.escalation import check_url


class SettingsError(ValueError):
    """An environment variable has a value kefu cannot use."""


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None


def _float(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None


def _seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    """A deadline: a number of seconds above 0 (0 would alert on every ticket at once)."""
    seconds = _float(environ, name, default)
    if not seconds > 0:
        raise SettingsError(f"{name} must be more than 0 seconds, got {seconds!r}")
    return seconds


def _path(environ: Mapping[str, str], name: str) -> Path | None:
    raw = environ.get(name, "").strip()
    return Path(raw) if raw else None


def _escalation_url(environ: Mapping[str, str]) -> str:
    url = environ.get("KEFU_ESCALATION_URL", "").strip()
    if not url:
        return ""
    try:
        return check_url(url)
    except ValueError as exc:
        raise SettingsError(f"KEFU_ESCALATION_URL {exc}") from exc


def _retention_days(environ: Mapping[str, str]) -> float:
    days = _float(environ, "KEFU_RETENTION_DAYS", 0.0)
    if days < 0:
        raise SettingsError(f"KEFU_RETENTION_DAYS must be 0 (keep) or more, got {days:g}")
    return days


@dataclass(frozen=True)
class Settings:
    """Everything the processes of kefu are configured with.

    Each field is documented in the README's configuration table.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    rasa_host: str = "127.0.0.1"
    rasa_port: int = 5005
    action_host: str = "127.0.0.1"
    action_port: int = 5055
    rasa_url: str = "http://127.0.0.1:5005"
    action_url: str = "http://127.0.0.1:5055"
    database_url: str = "sqlite:///var/kefu.db"
    shop_database_url: str = "sqlite:///var/shop.db"
    redis_url: str | None = None
    # Gateways sharing one Redis share this name: socket.io's channel, the agents' presence.
    redis_channel: str = "kefu"
    identity_secret: str = ""
    rasa_token: str = ""
    agent_grace: float = 60.0
    urgent_claim_seconds: float = 30.0
    # Fraud under way (a shopper talked into a transfer) waits longer, but not for its turn.
    fraud_claim_seconds: float = 60.0
    # An on-call endpoint told of urgent tickets nobody claimed (handoff/escalation.py).
    escalation_url: str = ""
    console_url: str = "http://127.0.0.1:8000/console"
    demo_shopper: str | None = "demo"
    rasa_timeout: float = 15.0
    redelivery_interval: float = 5.0
    max_message_chars: int = 1000
    allowed_origins: tuple[str, ...] = ()
    var_dir: Path = Path("var")
    model_dir: Path = Path("models")
    training_root: Path | None = None
    nlu_test: Path | None = None
    regression_margin: float = 0.02
    inbox_confidence: float = 0.6
    # Rasa's conversations (slots, open forms), kept across its restarts; "" keeps them in memory.
    tracker_db: str = "var/trackers.db"
    # Conversations idle for longer are erased (bot/erasure.py); 0 keeps them.
    retention_days: float = 0.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables (``os.environ`` by default)."""
        env = os.environ if environ is None else environ
        rasa_host = env.get("RASA_HOST", cls.rasa_host)
        rasa_port = _int(env, "RASA_PORT", cls.rasa_port)
        action_host = env.get("ACTION_HOST", cls.action_host)
        action_port = _int(env, "ACTION_PORT", cls.action_port)
        var_dir = Path(env.get("KEFU_VAR_DIR", str(cls.var_dir)))
        host, port = env.get("KEFU_HOST", cls.host), _int(env, "KEFU_PORT", cls.port)
        return cls(
            host=host,
            port=port,
            rasa_host=rasa_host,
            rasa_port=rasa_port,
            action_host=action_host,
            action_port=action_port,
            rasa_url=env.get("RASA_URL") or f"http://{rasa_host}:{rasa_port}",
            action_url=env.get("ACTION_URL") or f"http://{action_host}:{action_port}",
            database_url=env.get("KEFU_DATABASE_URL") or f"sqlite:///{var_dir}/kefu.db",
            shop_database_url=env.get("SHOP_DATABASE_URL") or f"sqlite:///{var_dir}/shop.db",
            redis_url=env.get("REDIS_URL") or None,
            redis_channel=env.get("KEFU_REDIS_CHANNEL") or cls.redis_channel,
            identity_secret=env.get("KEFU_IDENTITY_SECRET", ""),
            rasa_token=env.get("RASA_TOKEN", ""),
            agent_grace=_float(env, "KEFU_AGENT_GRACE", cls.agent_grace),
            urgent_claim_seconds=_seconds(
                env, "KEFU_URGENT_CLAIM_SECONDS", cls.urgent_claim_seconds
            ),
            fraud_claim_seconds=_seconds(env, "KEFU_FRAUD_CLAIM_SECONDS", cls.fraud_claim_seconds),
            escalation_url=_escalation_url(env),
            console_url=env.get("KEFU_CONSOLE_URL") or f"http://{host}:{port}/console",
            demo_shopper=env.get("KEFU_DEMO_SHOPPER", "demo") or None,
            rasa_timeout=_float(env, "RASA_TIMEOUT", cls.rasa_timeout),
            redelivery_interval=_float(env, "KEFU_REDELIVERY_INTERVAL", cls.redelivery_interval),
            max_message_chars=_int(env, "KEFU_MAX_MESSAGE_CHARS", cls.max_message_chars),
            allowed_origins=tuple(
                origin.strip()
                for origin in env.get("KEFU_ALLOWED_ORIGINS", "").split(",")
                if origin.strip()
            ),
            var_dir=var_dir,
            model_dir=Path(env.get("KEFU_MODEL_DIR", str(cls.model_dir))),
            training_root=_path(env, "KEFU_TRAINING_ROOT"),
            nlu_test=_path(env, "KEFU_NLU_TEST"),
            regression_margin=_float(env, "KEFU_REGRESSION_MARGIN", cls.regression_margin),
            inbox_confidence=_float(env, "KEFU_INBOX_CONFIDENCE", cls.inbox_confidence),
            tracker_db=env.get("KEFU_TRACKER_DB", str(var_dir / "trackers.db")),
            retention_days=_retention_days(env),
        )

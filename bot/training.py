"""Train the Rasa model only when its inputs changed.

The model file is named after a hash of everything that shapes it, so an
unchanged tree finds its model and skips the minutes of training.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

MODEL_INPUTS = ("config.yml", "domain.yml", "nlu_data", "bot/nlu")
KEEP_MODELS = 3

Runner = Callable[[list[str]], int]


def _files(root: Path, inputs: Iterable[str]) -> list[Path]:
    found: list[Path] = []
    for name in inputs:
        path = root / name
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return sorted(found)


def fingerprint(root: Path, inputs: Iterable[str] = MODEL_INPUTS) -> str:
    """A short hash of the names and contents of the model's inputs."""
    digest = hashlib.sha256()
    for path in _files(root, inputs):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(model_dir: Path, digest: str) -> Path:
    """Where the model trained from inputs with ``digest`` lives."""
    return model_dir / f"kefu-{digest}.tar.gz"


def _run(command: list[str]) -> int:
    return subprocess.run(command, check=False).returncode


def quiet_rasa() -> None:
    """Keep in-process Rasa to warnings and without telemetry.

    For the training worker and the benchmark, whose own report would
    otherwise drown in Rasa's per-message debug lines.
    """
    import logging

    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


def rasa_command() -> list[str]:
    """Rasa's CLI in this interpreter's environment, with kefu's fixes (bot/rasa_fixes.py)."""
    return [sys.executable, "-m", "bot.rasa_cli"]


def ensure_model(
    root: Path, model_dir: Path, force: bool = False, run: Runner = _run
) -> tuple[Path, bool]:
    """Return the current model, training it first if needed.

    Returns:
        The model path and whether it was trained now.

    Raises:
        RuntimeError: ``rasa train`` failed.
    """
    digest = fingerprint(root)
    target = model_path(model_dir, digest)
    if target.is_file() and not force:
        # Rasa loads the newest model in the folder: make this one the newest.
        os.utime(target)
        return target, False
    model_dir.mkdir(parents=True, exist_ok=True)
    command = rasa_command() + [
        "train",
        "--data", str(root / "nlu_data"),
        "--config", str(root / "config.yml"),
        "--domain", str(root / "domain.yml"),
        "--out", str(model_dir),
        "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    ]  # fmt: skip
    if run(command) != 0 or not target.is_file():
        raise RuntimeError("rasa train failed; see its output above")
    _prune(model_dir, keep=KEEP_MODELS)
    return target, True


def _prune(model_dir: Path, keep: int) -> None:
    models = sorted(model_dir.glob("kefu-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    for old in models[:-keep]:
        old.unlink()

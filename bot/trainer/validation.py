"""``rasa data validate`` run on the project, and the problems worth showing from it."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bot.trainer.yaml_io import section_names

Runner = Callable[..., "subprocess.CompletedProcess[str]"]

VALIDATE_ARGS = (
    *("-m", "rasa", "data", "validate"),
    *("--data", "nlu_data", "--domain", "domain.yml", "--config", "config.yml"),
)
UNUSED_RESPONSE = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule\.")
PROBLEM = re.compile(r"userwarning|error|conflict", re.IGNORECASE)
NOT_A_PROBLEM = ("No story structure conflicts found", "for conflict analysis")
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class ValidationReport:
    """What ``rasa data validate`` found wrong; ``ok`` when nothing."""

    ok: bool
    problems: list[str]

    def to_dict(self) -> dict[str, Any]:
        """``{"ok", "problems"}``."""
        return asdict(self)


def run_validate(
    root: Path, run: Runner, timeout: float, allowed_unused: set[str]
) -> ValidationReport:
    """Run ``rasa data validate`` in ``root`` with ``run`` and collect what it reports.

    Responses in ``allowed_unused`` (sent by custom actions or forms, not rules)
    are not problems.
    """
    command = [sys.executable, *VALIDATE_ARGS]
    try:
        done = run(command, cwd=root, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return ValidationReport(False, [f"rasa data validate 超过 {timeout:g} 秒仍未结束"])
    output = f"{done.stdout or ''}\n{done.stderr or ''}"
    problems = problem_lines(output, allowed_unused)
    if done.returncode != 0 and not problems:
        problems.append(f"rasa data validate 以退出码 {done.returncode} 结束")
    return ValidationReport(done.returncode == 0 and not problems, problems)


def problem_lines(output: str, allowed_unused: set[str]) -> list[str]:
    """The lines of ``rasa data validate`` output that report a problem worth showing."""
    problems = []
    for raw in output.splitlines():
        line = ANSI_ESCAPE.sub("", raw).strip()
        if not PROBLEM.search(line) or any(fine in line for fine in NOT_A_PROBLEM):
            continue
        unused = UNUSED_RESPONSE.search(line)
        if not (unused and unused.group(1) in allowed_unused):
            problems.append(line)
    return problems


def responses_sent_by_code(sources: Iterable[str], domain: dict[str, Any]) -> set[str]:
    """Responses that action source code names, and the ``utter_ask_<slot>`` of forms.

    A literal ``"utter_x"`` names itself. An f-string ``f"utter_status_{s}"`` names every
    response with that prefix; one with no prefix, ``f"utter_{kind}_{case}"``, is filled
    with the words quoted in the same file.
    """
    responses = section_names(domain.get("responses"))
    sent = {f"utter_ask_{slot}" for slot in section_names(domain.get("slots"))}
    for source in sources:
        sent |= set(re.findall(r"\butter_[a-z0-9_]+", source)) & responses
        words = sorted(set(re.findall(r"""["']([a-z][a-z0-9_]*)["']""", source)))
        for template in re.findall(r"""\bf["'](utter_[^"'\n]*\{[^"'\n]*)["']""", source):
            pieces = re.split(r"\{[^}]*\}", template)
            hole = "[a-z0-9_]+" if pieces[0] != "utter_" else f"(?:{'|'.join(words)})"
            pattern = re.compile(hole.join(re.escape(piece) for piece in pieces))
            sent |= {name for name in responses if pattern.fullmatch(name)}
    return sent

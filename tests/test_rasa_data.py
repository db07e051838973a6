"""``rasa data validate --data nlu_data`` finds nothing wrong with the training data."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.test_domain import _domain, _responses_named_by_actions

ROOT = Path(__file__).resolve().parent.parent
UNUSED = re.compile(r"The utterance '(utter_[a-z_]+)' is not used in any story or rule\.")


def test_rasa_validates_the_data_cleanly() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--data", "nlu_data"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-2000:]
    problems = [
        line
        for line in output.splitlines()
        if "UserWarning" in line or "ERROR" in line or "conflict" in line.lower()
    ]
    # Rasa cannot see responses that custom actions or forms send; all else must be clean.
    sent_elsewhere = _responses_named_by_actions() | {
        f"utter_ask_{slot}" for slot in _domain()["slots"]
    }
    unexplained = [
        line
        for line in problems
        if not ((m := UNUSED.search(line)) and m.group(1) in sent_elsewhere)
        and "No story structure conflicts found" not in line
        and "for conflict analysis" not in line
    ]
    assert unexplained == []

"""Recall, category accuracy and false positives of the safety screen, and its speed.

Reads tests/safety/urgent.yml, negatives.yml and fraud.yml; reports the
tuning part and the held-out part separately.

    .venv/bin/python -m bench.safety_eval
    .venv/bin/python -m bench.safety_eval --split tune --failures
"""

from __future__ import annotations

import argparse
import statistics
import time

from bot.safety import SafetyScreen
from tests.safety.cases import SPLITS, Case, load


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def report(screen: SafetyScreen, split: str, failures: bool) -> None:
    """Print the quality numbers of one part (or "all")."""
    urgent = [c for c in load("urgent") if split in ("all", c.split)]
    negatives = [c for c in load("negatives") if split in ("all", c.split)]
    verdicts = {c.text: screen.screen(c.text) for c in urgent + negatives}
    missed = [c for c in urgent if verdicts[c.text].level != "urgent"]
    wrong = [c for c in urgent if c not in missed and verdicts[c.text].category != c.category]
    false_alarms = [c for c in negatives if verdicts[c.text].level == "urgent"]
    complaints = [c for c in negatives if c.level == "high"]
    found = [c for c in complaints if verdicts[c.text].level == "high"]
    over = [c for c in negatives if c.level is None and verdicts[c.text].level == "high"]
    topical = [c for c in urgent if c.topic]
    off_topic = [c for c in topical if verdicts[c.text].topic != c.topic]
    n, m = len(urgent), len(negatives)
    flagged = n - len(missed) + len(false_alarms)
    print(f"[{split}] urgent recall     {n - len(missed)}/{n} = {(n - len(missed)) / n:.1%}")
    print(f"[{split}] urgent precision  {n - len(missed)}/{flagged} (on these cases)")
    print(f"[{split}] category accuracy {n - len(missed) - len(wrong)}/{n}")
    print(f"[{split}] topic accuracy    {len(topical) - len(off_topic)}/{len(topical)}")
    print(f"[{split}] urgent FP rate    {len(false_alarms)}/{m} = {len(false_alarms) / m:.1%}")
    print(
        f"[{split}] complaints found  {len(found)}/{len(complaints)}; high on no-level: {len(over)}"
    )
    if failures:
        for label, cases in (
            ("MISSED", missed),
            ("CATEGORY", wrong),
            ("FALSE ALARM", false_alarms),
            ("TOPIC", off_topic),
        ):
            for c in cases:
                v = verdicts[c.text]
                want, got = f"{c.category}/{c.topic}", f"{v.category}/{v.topic}"
                print(f"  {label}: {c.text!r} want {want} got {got} {v.matched}")
        for c in [c for c in complaints if c not in found] + over:
            v = verdicts[c.text]
            print(f"  COMPLAINT: {c.text!r} want {c.level} got {v.level} {v.matched}")


def fraud_report(screen: SafetyScreen, split: str, failures: bool) -> None:
    """Print how fraud.yml's scam reports and look-alikes of one part (or "all") screen."""
    cases = [c for c in load("fraud") if split in ("all", c.split)]
    got = {c.text: screen.screen(c.text) for c in cases}
    scams = [c for c in cases if c.category == "fraud"]
    others = [c for c in cases if c.category != "fraud"]
    found = [c for c in scams if got[c.text].category == "fraud"]
    alarms = [c for c in others if got[c.text].category == "fraud"]
    print(f"[{split}] fraud recall      {len(found)}/{len(scams)}")
    print(f"[{split}] fraud on others   {len(alarms)}/{len(others)}")
    if failures:
        for c in [c for c in scams if c not in found] + alarms:
            v = got[c.text]
            print(f"  FRAUD: {c.text!r} want {c.category} got {v.category} {v.matched}")


def timing(screen: SafetyScreen, cases: list[Case], rounds: int) -> None:
    """Print p50/p99 screening time per message, in microseconds."""
    times = []
    for _ in range(rounds):
        for case in cases:
            start = time.perf_counter()
            screen.screen(case.text)
            times.append((time.perf_counter() - start) * 1e6)
    long = " ".join(c.text for c in cases[:40])
    start = time.perf_counter()
    screen.screen(long)
    long_us = (time.perf_counter() - start) * 1e6
    p50, p99 = percentile(times, 0.5), percentile(times, 0.99)
    print(
        f"time per message: p50 {p50:.0f} µs, p99 {p99:.0f} µs,"
        f" mean {statistics.fmean(times):.0f} µs over {len(times)};"
        f" one {len(long)}-character message {long_us:.0f} µs"
    )


def main() -> None:
    """Run the evaluation from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=(*SPLITS, "all", "both"), default="both")
    parser.add_argument("--failures", action="store_true", help="list every miss")
    parser.add_argument("--rounds", type=int, default=20, help="timing rounds over all cases")
    args = parser.parse_args()
    start = time.perf_counter()
    screen = SafetyScreen()
    print(f"SafetyScreen() built in {(time.perf_counter() - start) * 1000:.0f} ms")
    for split in SPLITS if args.split == "both" else (args.split,):
        report(screen, split, args.failures)
        fraud_report(screen, split, args.failures)
    timing(screen, load("urgent") + load("negatives"), args.rounds)


if __name__ == "__main__":
    main()

"""Score a held-out case file by category without printing any case text.

Usage: python scripts/heldout_score.py CASES.jsonl REPORT_DIR
(REPORT_DIR from `mdsbot eval --cases CASES.jsonl --report REPORT_DIR`). The sealed
half is read only through this: aggregate pass rates, never questions or answers.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

_MARKER = re.compile(r"\s*\[\d+\]")
_DIRECT = ("yes:", "no:", "the sources do not", "the source documents do not", "the sources disagree")
_FACT_CATEGORIES = {"formal", "typo", "shorthand", "yes_no", "not_stated"}


def shape(categories: dict[str, str], results: list[dict]) -> None:
    """Aggregate answer-shape figures (issue 11): no answer text is printed."""
    answers = {r["id"]: (r.get("actual") or {}) for r in results}
    words = [len(_MARKER.sub("", a.get("answer") or "").split()) for i, a in answers.items()
             if categories.get(i) in _FACT_CATEGORIES and a.get("status") == "answered"]
    yes_no = [a for i, a in answers.items() if categories.get(i) == "yes_no"]
    direct = [a for a in yes_no if (a.get("answer") or "").lower().startswith(_DIRECT)]
    if words:
        print(f"fact answers: median {statistics.median(words):.0f} words (n={len(words)})")
    if yes_no:
        print(f"yes/no answers opening with the answer: {len(direct)}/{len(yes_no)}")


def failure_kinds(results: list[dict]) -> Counter:
    """How the failed cases failed, by kind only (status, missing term, forbidden content):
    aggregate figures that say what to work on without showing a sealed case."""
    kinds: Counter = Counter()
    for result in results:
        for failure in result.get("failures") or []:
            text = failure.split(":", 1)[0]
            if failure.startswith("status:"):
                text = "status " + failure.split("got", 1)[-1].strip(" '") + " (expected " + failure.split("'")[1] + ")"
            elif failure.startswith("turn"):
                text = "multi-turn " + failure.split(":", 2)[1].strip()
            kinds[text] += 1
    return kinds


def main(cases_path: str, report_dir: str) -> None:
    categories = {}
    for line in Path(cases_path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            categories[case["id"]] = case.get("category", case.get("kind", "?"))
    report = json.loads((Path(report_dir) / "report.json").read_text(encoding="utf-8"))
    total, passed = Counter(), Counter()
    for result in report["cases"]:
        category = categories.get(result["id"], "?")
        total[category] += 1
        passed[category] += bool(result["passed"])
        status = result.get("actual", {}).get("status")
        expected = result.get("expected", {}).get("expect")
        if expected == "answer":
            total["(answerable)"] += 1
            passed["(answerable: not refused)"] += status != "refused"
        if expected == "refuse":
            total["(should refuse)"] += 1
            passed["(should refuse: refused)"] += status == "refused"
    for category in sorted(c for c in total if not c.startswith("(")):
        print(f"{category:24s} {passed[category]:3d}/{total[category]:3d}")
    print(f"{'all':24s} {sum(passed[c] for c in total if not c.startswith('(')):3d}/{sum(v for c, v in total.items() if not c.startswith('(')):3d}")
    print(f"false refusals: {total['(answerable)'] - passed['(answerable: not refused)']}/{total['(answerable)']}")
    print(f"out-of-scope refused: {passed['(should refuse: refused)']}/{total['(should refuse)']}")
    shape(categories, report["cases"])
    for category in sorted(c for c in total if not c.startswith("(")):
        failed = [r for r in report["cases"] if categories.get(r["id"], "?") == category and not r["passed"]]
        for kind, count in sorted(failure_kinds(failed).items()):
            print(f"failures, {category}, {kind}: {count}")


if __name__ == "__main__":
    main(*sys.argv[1:3])

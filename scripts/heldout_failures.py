"""Print the dev cases a held-out eval run failed, by category, with the answer given.

Usage: python scripts/heldout_failures.py CASES.jsonl REPORT_DIR [--all]
(REPORT_DIR from `mdsbot eval --cases CASES.jsonl --report REPORT_DIR`). Refuses any file
holding a sealed case: the sealed halves are scored only by scripts/heldout_score.py.
Also prints the answer-shape figures issue 11 sets: words per answered fact question
(median), yes/no answers whose first sentence answers, quotes repeated within an answer.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path

_MARKER = re.compile(r"\s*\[\d+\]")
_DIRECT = ("yes:", "no:", "the sources do not", "the source documents do not", "the sources disagree")
_FACT_CATEGORIES = {"formal", "typo", "shorthand", "yes_no", "not_stated"}


def _cases(path: str) -> dict[str, dict]:
    cases = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    if any(case.get("split") == "sealed" for case in cases):
        sys.exit(f"{path} holds sealed cases: score it with scripts/heldout_score.py, never read it")
    return {case["id"]: case for case in cases}


def _answer(result: dict) -> str:
    return (result.get("actual") or {}).get("answer") or ""


def _words(answer: str) -> int:
    return len(_MARKER.sub("", answer).split())


def _repeated_quotes(result: dict) -> int:
    quotes = [c.get("quote") for c in (result.get("actual") or {}).get("citations") or [] if c.get("quote")]
    return sum(n - 1 for n in Counter(quotes).values() if n > 1)


def _shape(cases: dict[str, dict], results: list[dict]) -> None:
    words = [_words(_answer(r)) for r in results
             if cases[r["id"]].get("category") in _FACT_CATEGORIES and (r.get("actual") or {}).get("status") == "answered"]
    yes_no = [r for r in results if cases[r["id"]].get("category") == "yes_no"]
    direct = [r for r in yes_no if _answer(r).lower().startswith(_DIRECT)]
    repeats = sum(_repeated_quotes(r) > 0 for r in results)
    if words:
        print(f"fact answers: median {statistics.median(words):.0f} words (n={len(words)}, max {max(words)})")
    print(f"yes/no answers starting with the answer: {len(direct)}/{len(yes_no)}")
    print(f"answers repeating a quote: {repeats}/{len(results)}")


def main(cases_path: str, report_dir: str, *flags: str) -> None:
    cases = _cases(cases_path)
    results = json.loads((Path(report_dir) / "report.json").read_text(encoding="utf-8"))["cases"]
    by_category: dict[str, list[dict]] = defaultdict(list)
    for result in results:
        if "--all" in flags or not result["passed"]:
            by_category[cases[result["id"]].get("category", "?")].append(result)
    for category in sorted(by_category):
        print(f"== {category}")
        for result in by_category[category]:
            case = cases[result["id"]]
            turns = case.get("turns") or [case.get("question", "")]
            print(f"- {result['id']} [{'pass' if result['passed'] else 'FAIL'}] {' || '.join(map(str, turns))}")
            print(f"  expected: {case.get('expect')} {case.get('must_include')}  failures: {result.get('failures')}")
            print(f"  answer ({(result.get('actual') or {}).get('status')}, {_words(_answer(result))} words): {_answer(result)}")
    _shape(cases, results)


if __name__ == "__main__":
    main(*sys.argv[1:])

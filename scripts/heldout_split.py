"""Write one split of a held-out case file to another file, printing only a count.

Usage: python scripts/heldout_split.py CASES.jsonl SPLIT OUT.jsonl
(`mdsbot eval` scores every line it is given; the adversarial file holds both halves, so
the sealed half is cut out here without any case text reaching the terminal.)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(cases_path: str, split: str, out_path: str) -> None:
    lines = [line for line in Path(cases_path).read_text(encoding="utf-8").splitlines() if line.strip()]
    kept = [line for line in lines if json.loads(line).get("split") == split]
    Path(out_path).write_text("".join(line + "\n" for line in kept), encoding="utf-8")
    print(f"{len(kept)} of {len(lines)} cases with split {split!r} written to {out_path}")


if __name__ == "__main__":
    main(*sys.argv[1:4])

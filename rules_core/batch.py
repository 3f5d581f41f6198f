"""`check --batch` at scale: JSONL lines evaluated in chunks on every core, results in input order.

Each chunk goes through ``inputs.evaluate_jsonl`` unchanged (the per-line handling:
parse, validate, evaluate, one JSON line or one error line), so a worker process
gives exactly the lines a single process would. Small batches stay in-process:
starting workers costs more than it saves below a few thousand lines.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from itertools import islice

from rules_core.evaluator import ruleset_for
from rules_core.inputs import evaluate_jsonl
from rules_core.policy import SitePolicy

CHUNK_LINES = 2000  # lines per task: large enough that the hand-off is noise, small enough to stream


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover  (not Linux)
        return os.cpu_count() or 1


def _chunks(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """(number of the chunk's first line, its lines); blank lines are kept so numbering stays exact."""
    it = iter(lines)
    first = 1
    while chunk := list(islice(it, CHUNK_LINES)):
        yield first, chunk
        first += len(chunk)


def evaluate_chunk(task: tuple[int, list[str], SitePolicy | None]) -> bytes:
    """One chunk's results as UTF-8 JSONL (each line ends with a newline).

    Bytes, not str: the parent only copies them to stdout (no decode, no re-encode of ~4 kB a line).
    """
    first, lines, policy = task
    return "".join(result + "\n" for result in evaluate_jsonl(lines, policy, first_line=first)).encode()


def evaluate_jsonl_text(lines: Iterable[str], policy: SitePolicy | None = None, workers: int | None = None) -> Iterator[bytes]:
    """Results of a JSONL batch as blocks of UTF-8 JSONL, in input order, streamed chunk by chunk."""
    workers = usable_cores() if workers is None else workers
    tasks = ((first, chunk, policy) for first, chunk in _chunks(lines))
    head = next(tasks, None)
    if head is None:
        return
    second = next(tasks, None)
    if second is None or workers < 2:  # one chunk, or one core: no worker processes
        yield evaluate_chunk(head)
        if second is not None:
            yield from map(evaluate_chunk, [second, *tasks])
        return
    ruleset_for(policy)  # compiled once here; forked workers inherit it
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        yield from pool.imap(evaluate_chunk, _prepend(head, second, tasks))


def _prepend(a, b, rest: Iterator) -> Iterator:
    yield a
    yield b
    yield from rest

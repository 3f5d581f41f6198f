"""`check --batch` at scale: JSONL lines evaluated in chunks on every core, results in input order.

A line that is plainly a valid record (orjson parse without escapes or duplicate keys, an
int or text id, a known drug, valid facts) takes the fast path: the decision's parts are
serialised by ``encoding.DecisionEncoder`` straight to bytes. Any other line (an error, an
exotic id) takes ``inputs.read_line``, the reference per-line handling. Both give exactly the
line ``inputs.evaluate_jsonl`` gives (tests/test_rules_batch.py), and a worker process gives
exactly what one process would. Small batches stay in-process: starting workers costs more
than it saves below a few thousand lines.

With ``id_prefix`` (the caller records the decisions), decision ``N`` of line ``N`` gets
the id ``<id_prefix>-<N>`` in its output, and each chunk also returns the material of
its decision records (``Decided``).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import NamedTuple

import orjson

from rules_core.drugs import normalise_drug
from rules_core.encoding import DecisionEncoder
from rules_core.evaluator import decide_parts, ruleset_for
from rules_core.facts import PatientFacts
from rules_core.inputs import BATCH_FIELDS, UnreadableLine, parse_json, read_line
from rules_core.loader import Ruleset
from rules_core.policy import SitePolicy

CHUNK_LINES = 2000  # lines per task: large enough that the hand-off is noise, small enough to stream


class Decided(NamedTuple):
    """What a decision record needs from one batch decision (JSON as text)."""

    line: int
    decision_id: str
    drug: str
    request: str
    decision: str
    pathway: str | None
    summary: str
    patient_json: str  # the validated facts, None fields left out
    warnings_json: str
    conflicts_json: str
    decision_json: str  # the whole decision with "decision_id": null, as a single check stores it


class Chunk(NamedTuple):
    output: bytes  # UTF-8 JSONL result lines, each ending with a newline
    decided: list[Decided]  # empty unless the batch is recorded
    errors: int = 0  # how many of the lines are error lines


@dataclass(frozen=True)
class BatchSpec:
    """How a batch is evaluated: the site policy, when it is recorded the decision-id prefix, and the
    input's name for error messages ("batch.jsonl line 3, column 17: ...")."""

    policy: SitePolicy | None = None
    id_prefix: str | None = None
    source: str | None = None
    # When set, each chunk's lines are written to this file descriptor, in input order, by the process that
    # evaluated it (no copy back through a pipe), and Chunk.output is empty; nothing else may write to it meanwhile.
    out_fd: int | None = None


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


_ENCODERS: dict[int, tuple[Ruleset, DecisionEncoder]] = {}  # per process: one encoder (its caches) per ruleset


def _encoder(ruleset: Ruleset) -> DecisionEncoder:
    hit = _ENCODERS.get(id(ruleset))
    if hit is None or hit[0] is not ruleset:
        _ENCODERS.clear()
        hit = _ENCODERS[id(ruleset)] = (ruleset, DecisionEncoder(ruleset))
    return hit[1]


def evaluate_chunk(task: tuple[int, list[str], BatchSpec]) -> Chunk:
    """One chunk's result lines (and record material), in order."""
    first, lines, spec = task
    try:
        return _evaluate_chunk(first, lines, spec)
    except BaseException:
        if spec.out_fd is not None:  # give up this chunk's turn, or the later chunks would wait for it forever
            _write_in_turn((first - 1) // CHUNK_LINES, b"", spec.out_fd)
        raise


def _evaluate_chunk(first: int, lines: list[str], spec: BatchSpec) -> Chunk:
    ruleset = ruleset_for(spec.policy)
    encoder = _encoder(ruleset)
    out: list[bytes] = []
    decided: list[Decided] = []
    errors = 0
    for number, line in enumerate(lines, start=first):
        fast = _fast_decision(line, number, ruleset)
        if fast is not None:
            head, parts, facts = fast
        else:
            outcome = read_line(line, number, spec.policy, spec.source)
            if outcome is None:
                continue
            if outcome.error is not None:
                out.append(outcome.text().encode() + b"\n")
                errors += 1
                continue
            head, parts, facts = outcome.head.encode(), outcome.decision, outcome.facts
        body = encoder.body(parts)
        decision_id = f"{spec.id_prefix}-{number}" if spec.id_prefix else None
        out.append(b"".join((head, memoryview(body)[1:], orjson.dumps(decision_id), b"}\n")))
        if decision_id is not None:
            decided.append(_decided(number, decision_id, parts, facts, body, encoder))
    output = b"".join(out)
    if spec.out_fd is None:
        return Chunk(output, decided, errors)
    _write_in_turn((first - 1) // CHUNK_LINES, output, spec.out_fd)
    return Chunk(b"", decided, errors)


# Turn-taking for out_fd: (condition, index of the next chunk to write, 1 once the reader went away).
# Set before the worker processes fork (they inherit it), cleared after; None: one process writes in order.
_TURN = None


def _write_in_turn(index: int, data: bytes, fd: int) -> None:
    if _TURN is None:
        _write_all(fd, data)
        return
    condition, next_index, closed = _TURN
    with condition:
        condition.wait_for(lambda: next_index.value == index)
    try:
        if not closed.value:
            _write_all(fd, data)
    except BrokenPipeError:
        closed.value = 1
    finally:
        with condition:
            next_index.value = index + 1
            condition.notify_all()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _fast_decision(line: str, number: int, ruleset: Ruleset):
    """(result head, decision parts, facts) by the fast path, or None: the line takes the exact path,
    which also gives any error its exact wording."""
    record = _fast_record(line)
    if record is None:
        return None
    id_json, drug, facts = record
    try:
        parts = decide_parts(ruleset.rules[drug], ruleset.derive(facts))
    except Exception:  # noqa: BLE001  (whatever went wrong, the exact path reports it as the reference does)
        return None
    return b'{"id":' + id_json + b',"line":' + str(number).encode() + b",", parts, facts


def _fast_record(line: str) -> tuple[bytes, str, PatientFacts] | None:
    """(the id as JSON, canonical drug, validated facts) of a plainly valid record; None: take the exact path."""
    if isinstance(line, UnreadableLine) or "\\" in line:
        return None
    try:
        record = parse_json(line, "line")
    except ValueError:
        return None
    if type(record) is not dict or "drug" not in record or "patient" not in record:
        return None
    if len(record) != len(BATCH_FIELDS) - ("id" not in record):
        return None
    record_id, drug, patient = record.get("id"), record["drug"], record["patient"]
    if type(drug) is not str or type(patient) is not dict:
        return None
    if record_id is None or type(record_id) is str:
        id_json = orjson.dumps(record_id)  # equals json.dumps(..., ensure_ascii=False) for text without escapes
    elif type(record_id) is int:
        id_json = str(record_id).encode()
    else:  # floats, booleans, lists, objects: echoed by the exact path
        return None
    try:
        canonical = normalise_drug(drug)
        facts = PatientFacts.model_validate(patient)
    except Exception:  # noqa: BLE001  (the exact path words the error)
        return None
    return id_json, canonical, facts


def _decided(number: int, decision_id: str, parts, facts: PatientFacts, body: bytes, encoder: DecisionEncoder) -> Decided:
    return Decided(
        number, decision_id, parts.drug, parts.request, parts.decision, parts.pathway, parts.summary,
        facts.model_dump_json(exclude_none=True), encoder.warnings_json(parts).decode(),
        orjson.dumps(parts.conflicts).decode(), (body + b"null}").decode(),
    )


def evaluate_batch(lines: Iterable[str], spec: BatchSpec = BatchSpec(), workers: int | None = None) -> Iterator[Chunk]:
    """Results of a JSONL batch, chunk by chunk in input order (worker processes when there is work for them)."""
    workers = usable_cores() if workers is None else workers
    tasks = ((first, chunk, spec) for first, chunk in _chunks(lines))
    head = next(tasks, None)
    if head is None:
        return
    _encoder(ruleset_for(spec.policy))  # compiled once here; forked workers inherit it
    second = next(tasks, None)
    if second is None or workers < 2:  # one chunk, or one core: no worker processes
        yield evaluate_chunk(head)
        if second is not None:
            yield from map(evaluate_chunk, [second, *tasks])
        return
    yield from _shared_with_workers(_prepend(head, second, tasks), workers)


def _shared_with_workers(tasks: Iterator, workers: int) -> Iterator[Chunk]:
    """Every ``workers``-th chunk is evaluated here, the others by ``workers - 1`` forked processes.

    The caller's process works too (rather than only passing chunks on): on two cores, two
    processes that both compute beat three of which one mostly copies results between them.
    Chunks are handed out a few ahead, so the workers never wait for this process.
    """
    global _TURN
    context = multiprocessing.get_context("fork")
    _TURN = (context.Condition(), context.Value("q", 0), context.Value("b", 0))
    try:
        with context.Pool(workers - 1) as pool:
            pending: deque = deque()
            for number, task in enumerate(tasks):
                pending.append(task if number % workers == 0 else pool.apply_async(evaluate_chunk, (task,)))
                if len(pending) > 2 * workers:
                    yield _result(pending.popleft())
            while pending:
                yield _result(pending.popleft())
    finally:
        _TURN = None


def _result(item) -> Chunk:
    chunk = evaluate_chunk(item) if isinstance(item, tuple) else item.get()
    if _TURN is not None and _TURN[2].value:  # a process found the reader gone (e.g. `| head`)
        raise BrokenPipeError("the output was closed")
    return chunk


def evaluate_jsonl_text(lines: Iterable[str], policy: SitePolicy | None = None, workers: int | None = None) -> Iterator[bytes]:
    """Results of a JSONL batch as blocks of UTF-8 JSONL, in input order, streamed chunk by chunk."""
    for chunk in evaluate_batch(lines, BatchSpec(policy), workers):
        yield chunk.output


def _prepend(a, b, rest: Iterator) -> Iterator:
    yield a
    yield b
    yield from rest

"""Reading patient JSON and JSONL batches: strict, one clear error per problem."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import orjson

from rules_core.errors import RulesInputError, describe_error
from rules_core.decision import Decision
from rules_core.drugs import normalise_drug
from rules_core.evaluator import as_patient, evaluate
from rules_core.facts import PatientFacts
from rules_core.policy import SitePolicy

BATCH_FIELDS = ("id", "drug", "patient")


class UnreadableLine(str):
    """A batch line that could not be read as text (bad UTF-8, too long); ``reason`` says why."""

    def __new__(cls, reason: str) -> UnreadableLine:
        line = super().__new__(cls, "-")
        line.reason = reason
        return line

    def __reduce__(self):  # crosses to batch worker processes with its reason
        return (UnreadableLine, (self.reason,))


class _DuplicateKey(Exception):
    pass


_SLOW = object()  # the fast parser declined: use the exact one


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A key given twice is ambiguous evidence: refuse it rather than keep the last."""
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise _DuplicateKey(key)
        obj[key] = value
    return obj


_KEY_END = re.compile(r'"\s*:')
_ORJSON_EXACT_BELOW = 2.0**63  # orjson reads an integer outside 64 bits as a rounded float: such a float takes the exact parser


def _key_count(obj: Any) -> int:
    """Keys in all objects of a parsed JSON value, or -1 when a number may have been read inexactly
    (iterative: this runs once per batch line)."""
    count, stack = 0, [obj]
    while stack:
        node = stack.pop()
        children = node.values() if type(node) is dict else node
        if type(node) is dict:
            count += len(node)
        for child in children:
            kind = type(child)
            if kind is dict or kind is list:
                stack.append(child)
            elif kind is float and not -_ORJSON_EXACT_BELOW < child < _ORJSON_EXACT_BELOW:
                return -1
    return count


def _keys_in_text(text: str) -> int:
    """How many '"' are followed by ':' (optionally after whitespace): at least the number of keys written."""
    if " :" in text or "\t:" in text or "\r:" in text or "\n:" in text:  # whitespace before a colon
        return len(_KEY_END.findall(text))
    return text.count('":')


def parse_json(text: str, what: str, source: str | None = None, line: int | None = None) -> Any:
    """JSON text → object; RulesInputError naming ``what`` (e.g. 'patient', 'line 3').

    With ``source`` (a file name), malformed JSON is reported as ``<source> line L, column C: <what is
    wrong>``; ``line``: the text is that line of the file (a JSONL record).

    Fast path (batches): orjson, accepted only when provably free of duplicate keys.
    Without a backslash every '"' ends or opens a string, so each '"' followed by ':'
    ends a key: as many of them as parsed keys means no key was given twice.
    Anything else (escapes, a duplicate, bad JSON, numbers orjson reads differently) takes the exact parser.
    """
    if "\\" not in text:
        try:
            obj = orjson.loads(text)
        except orjson.JSONDecodeError:
            obj = _SLOW
        if obj is not _SLOW and (type(obj) is dict or type(obj) is list) and _key_count(obj) == _keys_in_text(text):
            return obj
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except json.JSONDecodeError as exc:
        if source is not None:
            problem = exc.msg[:1].lower() + exc.msg[1:]
            raise RulesInputError(f"{source} line {line or exc.lineno}, column {exc.colno}: malformed JSON, {problem}") from None
        where = f"column {exc.colno}" if "\n" not in text.strip() else f"line {exc.lineno} column {exc.colno}"
        raise RulesInputError(f"malformed JSON at {where}: {exc.msg}", field=what) from None
    except _DuplicateKey as exc:
        raise RulesInputError(f"key {exc.args[0]!r} is given twice; give each field once", field=what) from None
    except RecursionError:
        raise RulesInputError("JSON nested deeper than any patient record (the parser gave up)", field=what) from None
    except ValueError:  # an integer too long to convert; its message would send users to sys internals
        limit = sys.get_int_max_str_digits()
        raise RulesInputError(f"a number has more than {limit} digits; no patient fact is that large", field=what) from None


def load_patient_json(text: str, source: str | None = None) -> PatientFacts:
    """Patient facts from JSON text (read from the file ``source``, if given, for error messages);
    RulesInputError or pydantic ValidationError if bad."""
    obj = parse_json(text, "patient", source)
    if not isinstance(obj, dict):
        raise RulesInputError(f'expected a JSON object like {{"ipss_r": "low"}}, got {type(obj).__name__}', field="patient")
    return PatientFacts.model_validate(obj)


class LineOutcome(NamedTuple):
    """What one batch line gave: its decision (with the facts it used) or an error."""

    head: str  # '{"id":…,"line":N,': what the result line starts with
    decision: Decision | None
    facts: PatientFacts | None
    error: str | None

    def text(self) -> str:
        """The result line (JSON, no newline)."""
        if self.error is not None:
            return self.head + '"error":' + json.dumps(self.error, ensure_ascii=False) + "}"
        # Splice id and line in front of the decision's own JSON rather than re-serialising it.
        return self.head + self.decision.model_dump_json()[1:]


def result_head(record_id: Any, line: int | None) -> str:
    return '{"id":' + json.dumps(record_id, ensure_ascii=False) + ',"line":' + json.dumps(line) + ","


def decide_record(record: Any, line: int | None = None, policy: SitePolicy | None = None) -> LineOutcome:
    """One batch record {"id", "drug", "patient"} → its decision, or the error naming the field."""
    head = result_head(record.get("id") if isinstance(record, dict) else None, line)
    try:
        drug, patient = _unpack_record(record)
        canonical = normalise_drug(drug)  # the drug is checked before the facts, as evaluate() does
        facts = as_patient(patient)
        return LineOutcome(head, evaluate(canonical, facts, policy), facts, None)
    except ValueError as exc:  # bad input (RulesInputError, pydantic ValidationError): report it, go on
        root = None if isinstance(exc, RulesInputError) else "patient"  # validation paths are inside "patient"
        return LineOutcome(head, None, None, describe_error(exc, root))


def evaluate_record(record: Any, line: int | None = None, policy: SitePolicy | None = None) -> str:
    """One batch record {"id", "drug", "patient"} → one JSON line (decision or error)."""
    return decide_record(record, line, policy).text()


def _unpack_record(record: Any) -> tuple[str, dict[str, Any]]:
    if not isinstance(record, dict):
        raise RulesInputError(f"expected a JSON object with {', '.join(BATCH_FIELDS)}", field="record")
    unknown = [key for key in record if key not in BATCH_FIELDS]
    if unknown:
        raise RulesInputError(f"unknown record field; allowed: {', '.join(BATCH_FIELDS)}", field=unknown[0])
    if "drug" not in record:
        raise RulesInputError("required", field="drug")
    if "patient" not in record:
        raise RulesInputError('required (use {} when nothing is documented)', field="patient")
    if not isinstance(record["patient"], dict):
        raise RulesInputError(f"expected a JSON object, got {type(record['patient']).__name__}", field="patient")
    return record["drug"], record["patient"]


def read_line(line: str, number: int, policy: SitePolicy | None = None, source: str | None = None) -> LineOutcome | None:
    """One JSONL line → its outcome; None for a blank line (not a record). Never raises.

    ``source``: the batch file's name, named in errors about the line ("batch.jsonl line 3, column 17: ...").
    """
    if not line.strip():
        return None
    what = f"{source} line {number}" if source else f"line {number}"
    try:
        if isinstance(line, UnreadableLine):
            raise RulesInputError(line.reason, field=what)
        return decide_record(parse_json(line, what, source, number), number, policy)
    except Exception as exc:  # noqa: BLE001  (whatever a line holds costs only that line)
        error = str(exc) if isinstance(exc, RulesInputError) else describe_error(exc)
        return LineOutcome(result_head(None, number), None, None, error)


def evaluate_jsonl(lines: Iterable[str], policy: SitePolicy | None = None, first_line: int = 1,
                   source: str | None = None) -> Iterator[str]:
    """Each non-blank JSONL line → one JSON result line, in order; bad lines become errors.

    ``first_line``: the number of the first given line (a chunk of a larger batch, rules_core/batch.py).
    The reference path: rules_core/batch.py's fast path gives the same lines (tests/test_rules_batch.py).
    """
    for number, line in enumerate(lines, start=first_line):
        outcome = read_line(line, number, policy, source)
        if outcome is not None:
            yield outcome.text()

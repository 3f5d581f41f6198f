"""`mdsbot check`, `mdsbot options`, `mdsbot schema`: the rules core on the command line.

`--policy FILE` (check, options) applies a site policy instead of the shipped
thresholds (rules_core/policy.yaml); a bad file exits 2 naming the field and
its allowed range.

Only typer and rules_core (pydantic) are imported, and rules_core only inside
the command functions, so `mdsbot check` starts fast. Bad input exits with code 2 and
one line on stderr (rules_core.errors.format_error); the decision itself
never changes the exit code.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from bot.cli import app
from bot.cli.qa import load_settings
from bot.cli.terminal import terminal_safe
from bot.cli.terminal import fail as _fail
from bot.cli.terminal import fail_on

SCHEMAS = ("patient", "decision", "policy")


def _read_text(source: str, option: str, as_json: bool = False) -> str:
    """File contents (a UTF-8 BOM is allowed), or stdin for '-'; one-line error on failure."""
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(f"error: {option}: {source!r} is not UTF-8 text", as_json, field=option) from None
    except OSError as exc:
        raise _fail(f"error: {option}: cannot read {source!r}: {exc.strerror or exc}", as_json, field=option) from None


def _load_patient(source: str, as_json: bool = False):
    from rules_core.inputs import load_patient_json

    text = _read_text(source, "--patient", as_json)
    try:  # malformed JSON names the file, line and column: "patient.json line 3, column 17: expecting ..."
        return load_patient_json(text, "stdin" if source == "-" else source)
    except Exception as exc:  # every input problem becomes one line, never a traceback
        raise fail_on(exc, as_json, "--patient") from None


def load_policy_or_fail(source: str | None, as_json: bool = False):
    """The site policy (shipped defaults when no file is given); one-line error naming the field and range."""
    from rules_core import load_policy

    try:
        return load_policy(source)
    except Exception as exc:
        raise fail_on(exc, as_json, "--policy") from None


DrugOption = Annotated[Optional[str], typer.Option("--drug", metavar="drug name", help="Generic or brand name, e.g. luspatercept (see `mdsbot options` for the supported drugs).")]
PatientOption = Annotated[Optional[str], typer.Option("--patient", metavar="patient.json", help="Patient facts JSON file; '-' reads stdin.")]
BatchOption = Annotated[
    Optional[str], typer.Option("--batch", metavar="patients.jsonl", help='JSONL file of {"id", "drug", "patient"} lines; \'-\' reads stdin.')
]
JsonFlag = Annotated[bool, typer.Option("--json", metavar="", help="Print JSON instead of text (errors too: one JSON line on stderr).")]
NoRecordFlag = Annotated[bool, typer.Option("--no-record", metavar="", help="Do not store this decision in the decision record.")]
ReviewerOption = Annotated[Optional[str], typer.Option("--reviewer", metavar="name", help="Who reviewed the request (stored with the decision).")]
PrescriberOption = Annotated[Optional[str], typer.Option("--prescriber", metavar="name", help="The prescriber (stored with the decision).")]
PatientRefOption = Annotated[
    Optional[str], typer.Option("--patient-ref", metavar="reference", help="Your patient reference (stored with the decision; no PHI needed).")
]
PolicyOption = Annotated[
    Optional[str],
    typer.Option("--policy", metavar="policy.yaml", help="Site-policy YAML overriding the shipped thresholds (rules_core/policy.yaml)."),
]


@app.command()
def check(
    drug: DrugOption = None,
    patient: PatientOption = None,
    batch: BatchOption = None,
    as_json: JsonFlag = False,
    policy: PolicyOption = None,
    no_record: NoRecordFlag = False,
    reviewer: ReviewerOption = None,
    prescriber: PrescriberOption = None,
    patient_ref: PatientRefOption = None,
) -> None:
    """Is DRUG medically necessary for this patient? Criteria met / not met / undocumented, each cited.

    The decision is stored (mdsbot decisions list) unless --no-record is given.
    """
    people = {"reviewer": reviewer, "prescriber": prescriber, "patient_ref": patient_ref}
    if batch is not None:
        if drug is not None or patient is not None:
            raise _fail("error: --batch: give either --batch FILE.jsonl or --drug NAME --patient FILE.json, not both",
                        as_json, field="--batch")
        if patient_ref is not None:
            raise _fail("error: --patient-ref: not with --batch (each line is its own patient; its id is in the output)",
                        as_json, field="--patient-ref")
        site_policy = load_policy_or_fail(policy, as_json)
        raise typer.Exit(_check_batch(batch, as_json, site_policy, None if no_record else people))
    if drug is None or patient is None:
        raise _fail("error: check: --drug NAME and --patient FILE.json are required (or --batch FILE.jsonl)", as_json,
                    field="--drug" if drug is None else "--patient")
    from rules_core import evaluate, normalise_drug
    from rules_core.render import render_decision

    try:
        canonical = normalise_drug(drug)
    except Exception as exc:
        raise fail_on(exc, as_json) from None
    site_policy = load_policy_or_fail(policy, as_json)
    facts = _load_patient(patient, as_json)
    decision = evaluate(canonical, facts, site_policy)
    if not no_record:
        decision = decision.model_copy(update={"decision_id": record_decision(decision, facts, "cli", people, as_json)})
    typer.echo(decision.model_dump_json(indent=2) if as_json else terminal_safe(render_decision(decision)))


def record_decision(decision, facts, surface: str, people: dict[str, str | None], as_json: bool = False) -> str:
    """Store the decision; its id, or one error line (exit 2) when the store cannot be written."""
    from bot.cli.decisions import open_records
    from bot.records import SQLITE_FILE, RecordsError, new_record
    from bot.records.fast_sqlite import append
    from corpus.ingest import MANIFEST
    from corpus.models import manifest_fingerprint

    settings = load_settings()
    record = new_record(decision, facts, surface, manifest_fingerprint(settings.manifest or MANIFEST), **people)
    if not settings.database_url and append(settings.data_dir / SQLITE_FILE, record):
        return record.id
    try:
        return open_records(as_json).add(record).id
    except RecordsError as exc:
        raise _fail(f"error: {exc} (use --no-record to decide without storing)", as_json) from None


def _check_batch(source: str, as_json: bool, policy, people: dict[str, str | None] | None) -> int:
    """One result line per non-blank input line, whatever it holds (bot/cli/batchio.py reads the lines,
    rules_core/batch.py evaluates them in chunks on every core); each chunk's decisions are stored
    (unless ``people`` is None: --no-record) before its lines are written. The exit code."""
    from bot.cli.batchio import EXIT_LINE_FAILED, EXIT_OK, decoded_lines
    from rules_core.batch import BatchSpec, evaluate_batch

    stream = _open_batch(source, as_json)
    recorder = None if people is None else _batch_recorder(policy, people, as_json)
    sys.stdout.flush()
    # JSON lines not recorded first go straight to stdout from the process that made them (recorded ones are
    # printed here, after their chunk is stored; text is rendered here).
    direct = _stdout_fd() if as_json and recorder is None else None
    spec = BatchSpec(policy, None if recorder is None else _new_batch_prefix(), "stdin" if source == "-" else source,
                     direct)
    gc.freeze()  # what is loaded now (rules, modules) is never garbage: collections skip it, forked workers share it
    out = sys.stdout.buffer
    failed = False
    try:
        for chunk in evaluate_batch(decoded_lines(stream), spec):  # UTF-8 result lines, in input order
            if recorder is not None:
                _record_chunk(recorder, chunk.decided, as_json)
            failed = failed or chunk.errors > 0
            if direct is None:
                out.write(chunk.output if as_json else _batch_text_block(chunk.output))
        out.flush()
    except BrokenPipeError:  # reader went away (e.g. `| head`): stop quietly, no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
        if recorder is not None:
            recorder.close()
    return EXIT_LINE_FAILED if failed else EXIT_OK


def _stdout_fd() -> int | None:
    """stdout's file descriptor; None when it has none (e.g. captured by a test runner)."""
    try:
        return sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return None


def _open_batch(source: str, as_json: bool):
    if source == "-":
        return sys.stdin.buffer
    try:
        return open(source, "rb")  # noqa: SIM115  (streamed, closed by the caller)
    except OSError as exc:
        raise _fail(f"error: --batch: cannot read {source!r}: {exc.strerror or exc}", as_json, field="--batch") from None


def _new_batch_prefix() -> str:
    from bot.records.bulk import batch_id_prefix

    return batch_id_prefix()


def _batch_recorder(policy, people: dict[str, str | None], as_json: bool):
    """The store a batch's decisions go to, or one error line (exit 2) when it cannot be opened."""
    from bot.records import RecordsError
    from bot.records.bulk import BatchRecorder
    from corpus.ingest import MANIFEST
    from corpus.models import manifest_fingerprint
    from rules_core.evaluator import ruleset_for

    settings = load_settings(as_json=as_json)
    try:
        corpus_hash = manifest_fingerprint(settings.manifest or MANIFEST)
        return BatchRecorder(settings.database_url, settings.data_dir, ruleset_for(policy), corpus_hash, people)
    except (RecordsError, OSError) as exc:
        raise _fail(f"error: {exc} (use --no-record to decide without storing)", as_json) from None


def _record_chunk(recorder, decided, as_json: bool) -> None:
    from bot.records import RecordsError

    try:
        recorder.add(decided)
    except RecordsError as exc:
        raise _fail(f"error: {exc} (use --no-record to decide without storing)", as_json) from None


def _batch_text_block(block: bytes) -> bytes:
    import json

    return "".join(terminal_safe(_batch_text(json.loads(line))) + "\n" for line in block.splitlines()).encode()


def _batch_text(result: dict) -> str:
    head = f"{result.get('id')!s:<12} line {result['line']:<6}"
    if "error" in result:
        return f"{head} error: {result['error']}"
    decision_id = f"  decision {result['decision_id']}" if result.get("decision_id") else ""
    return f"{head} {result['drug']:<16} {result['decision']:<26} {result['pathway'] or '-'}{decision_id}"


@app.command()
def options(patient: PatientOption = None, as_json: JsonFlag = False, policy: PolicyOption = None) -> None:
    """Every drug for this patient, in the sources' treatment sequence, each with its decision."""
    if patient is None:
        raise _fail("error: options: --patient FILE.json is required", as_json, field="--patient")
    from rules_core import evaluate_options
    from rules_core.render import render_options

    site_policy = load_policy_or_fail(policy, as_json)
    decisions = evaluate_options(_load_patient(patient, as_json), site_policy)
    if as_json:
        import json

        typer.echo(json.dumps([d.model_dump(mode="json") for d in decisions], indent=2, ensure_ascii=False))
    else:
        typer.echo(terminal_safe(render_options(decisions)))


@app.command()
def schema(name: Annotated[str, typer.Argument(metavar="name", help="patient, decision or policy")]) -> None:
    """Print the JSON Schema of the patient facts (input), the decision (output) or the site policy."""
    import json

    from rules_core import Decision, PatientFacts, SitePolicy

    if name not in SCHEMAS:
        raise _fail(f"error: schema: {name!r} is not allowed; use one of {', '.join(SCHEMAS)}", field="NAME",
                    allowed=list(SCHEMAS))
    generated = {
        "patient": PatientFacts.model_json_schema,
        "decision": lambda: Decision.model_json_schema(mode="serialization"),
        "policy": SitePolicy.model_json_schema,
    }[name]()
    typer.echo(json.dumps(generated, indent=2, ensure_ascii=False))

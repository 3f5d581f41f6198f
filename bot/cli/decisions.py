"""`mdsbot decisions list|show|recheck`: the record of every medical-necessity decision.

`recheck` re-decides stored records under today's ruleset (and an optional site
policy) and lists those whose decision would change: the regression a pharmacy
runs before adopting a new ruleset or policy.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime, timezone
from typing import Annotated, Optional

import typer

from bot.cli import app
from bot.cli.qa import fail, load_settings
from bot.cli.terminal import fail_on

decisions_app = typer.Typer(help="Stored decisions: list, show, recheck under today's rules.", no_args_is_help=True)
app.add_typer(decisions_app, name="decisions")

DECISIONS = ("meets_criteria", "does_not_meet", "insufficient_documentation")
DrugFilter = Annotated[Optional[str], typer.Option("--drug", metavar="drug name", help="Only this drug (generic or brand name).")]
SinceFilter = Annotated[
    Optional[str], typer.Option("--since", metavar="date", help="Only decisions made on or after this date (YYYY-MM-DD, UTC) or time.")
]
DecisionFilter = Annotated[Optional[str], typer.Option("--decision", metavar="outcome", help=f"Only this outcome: {', '.join(DECISIONS)}.")]
JsonFlag = Annotated[bool, typer.Option("--json", metavar="", help="Print JSON (errors too).")]
CsvFlag = Annotated[bool, typer.Option("--csv", metavar="", help="Print CSV with a header row.")]
CSV_COLUMNS = ("id", "recorded_at", "surface", "drug", "request_type", "decision", "pathway", "ruleset_fingerprint",
               "reviewer", "prescriber", "patient_ref")


def open_records(as_json: bool = False):
    """The configured store, or one error line (exit 2)."""
    from bot.records import RecordsError
    from bot.records.store import open_store

    settings = load_settings(as_json=as_json)
    try:
        return open_store(settings.database_url, settings.data_dir)
    except RecordsError as exc:
        raise fail(str(exc), as_json, field="MDSBOT_DATABASE_URL" if settings.database_url else "MDSBOT_DATA_DIR") from None


def _filter(drug: str | None, since: str | None, decision: str | None, limit: int | None = None, as_json: bool = False):
    from bot.records import RecordFilter

    return RecordFilter(drug=_drug(drug, as_json), since=_since(since, as_json), decision=_decision(decision, as_json),
                        limit=limit)


def _drug(name: str | None, as_json: bool) -> str | None:
    from rules_core import normalise_drug

    try:
        return normalise_drug(name) if name else None
    except Exception as exc:
        raise fail_on(exc, as_json) from None


def _since(text: str | None, as_json: bool) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise fail(f"--since: {text!r} is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM", as_json, field="--since",
                   allowed=["YYYY-MM-DD", "YYYY-MM-DDTHH:MM"]) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _decision(value: str | None, as_json: bool) -> str | None:
    if value and value not in DECISIONS:
        raise fail(f"--decision: {value!r} is not allowed; use one of {', '.join(DECISIONS)}", as_json,
                   field="--decision", allowed=list(DECISIONS))
    return value


@decisions_app.command("list")
def list_decisions(
    drug: DrugFilter = None, since: SinceFilter = None, decision: DecisionFilter = None,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, metavar="number", help="At most this many, newest first.")] = None,
    as_json: JsonFlag = False, as_csv: CsvFlag = False,
) -> None:
    """Stored decisions, newest first."""
    records = open_records(as_json).list(_filter(drug, since, decision, limit, as_json))
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json", exclude={"decision_json"}) for r in records], indent=2))
    elif as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(CSV_COLUMNS)
        writer.writerows([getattr(r, c) for c in CSV_COLUMNS] for r in records)
    else:
        for r in records:
            typer.echo(f"{r.id}  {r.recorded_at:%Y-%m-%d %H:%M}  {r.surface:<8} {r.drug:<16} {r.decision:<26} "
                       f"{r.pathway or '-'}")
        typer.echo(f"{len(records)} decision(s)")


@decisions_app.command("show")
def show(record_id: Annotated[str, typer.Argument(metavar="id", help="Decision id (or a unique prefix of it).")],
         as_json: JsonFlag = False) -> None:
    """One stored decision in full: the verdict as shown, the facts, the ruleset and policy it used."""
    from bot.cli.display import render_record

    record = open_records(as_json).get(record_id)
    if record is None:
        raise fail(f"decisions show: no decision with id {record_id!r} (or the prefix is not unique)", as_json, field="ID",
                   detail=f"no decision with id {record_id!r} (or the prefix is not unique)")
    typer.echo(record.model_dump_json(indent=2) if as_json else render_record(record))


@decisions_app.command("recheck")
def recheck(
    since: SinceFilter = None, drug: DrugFilter = None,
    policy: Annotated[Optional[str], typer.Option("--policy", metavar="policy.yaml", help="Site-policy YAML to recheck under.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Re-decide stored decisions under today's ruleset (and POLICY); list those that would change."""
    from bot.cli.rules import load_policy_or_fail

    changes = open_records(as_json).recheck(_filter(drug, since, None, as_json=as_json), load_policy_or_fail(policy, as_json))
    if as_json:
        typer.echo(json.dumps([c.model_dump(mode="json") for c in changes], indent=2))
        return
    for c in changes:
        typer.echo(f"{c.id}  {c.drug:<16} {c.old_decision} -> {c.new_decision}  "
                   f"({c.old_pathway or '-'} -> {c.new_pathway or '-'})")
    typer.echo(f"{len(changes)} decision(s) would change")

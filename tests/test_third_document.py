"""Knowledge as data: documents are added by writing a manifest, never by changing code.

A manifest in tmp_path lists the two shipped documents plus (a) a made-up web article with
its own page furniture, headings and bullets, and (b) a plain text with no cleaning rules.
The real engine (MiniLM, embedded Chroma in tmp_path) is built from it and answers from
the new documents, with citations whose spans hold the quoted fact.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.conflicts import ConflictsError, load_conflicts
from corpus.ingest import MANIFEST, load_corpus
from corpus.models import ManifestError

WEB = "900_xyzomab_web"
PLAIN = "900_tabulin_notes"  # shares the head '900' with WEB: passage ids must still be unique

WEB_TEXT = """Xyzomab Infusion Guide for Clinic Nurses

We use cookies to improve your experience on this site.
Accept all cookies | Manage preferences

Administering Xyzomab Safely

Xyzomab is a made-up monoclonal antibody given as an intravenous infusion in the clinic. The maximum infusion rate of Xyzomab is 25 mg per minute, and a faster infusion is never permitted.

Before each Xyzomab infusion, nurses confirm the following:
  • The patient has fasted for at least 2 hours.
  • Premedication with an antihistamine was given 30 minutes earlier.

Monitoring After the Infusion

Patients stay in the clinic for 45 minutes after each Xyzomab infusion so that infusion reactions can be treated at once.

Related articles
Ten tips for travel vaccines
How to store insulin pens at home
Why hospital coffee tastes burnt

© 2031 Example Health Media. All rights reserved. Contact us | Privacy policy
"""

PLAIN_TEXT = """# Tabulin storage and handling

Tabulin tablets must be kept in a refrigerator at 2 to 8 degrees Celsius. Tabulin tablets left at room temperature for more than 48 hours must be discarded.

## Dispensing

Pharmacists dispense Tabulin in packs of 28 tablets together with a cold pack.
"""

FURNITURE = [
    {
        "name": "cookie banner",
        "first_line": "We use cookies to improve your experience on this site.",
        "last_line": "Accept all cookies | Manage preferences",
        "why": "Site consent banner, not content.",
    },
    {
        "name": "related articles",
        "first_line": "Related articles",
        "last_line": "Why hospital coffee tastes burnt",
        "why": "Links to other articles.",
    },
    {
        "name": "footer",
        "first_line": "© 2031 Example Health Media. All rights reserved. Contact us | Privacy policy",
        "last_line": "© 2031 Example Health Media. All rights reserved. Contact us | Privacy policy",
        "why": "Site footer.",
    },
]
FURNITURE_TEXT = ["cookies", "Manage preferences", "Related articles", "travel vaccines", "insulin pens", "coffee", "Example Health Media"]


def _shipped_entries() -> list[dict]:
    """The two shipped entries, their files made absolute so the manifest can live anywhere."""
    shipped = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return [{**entry, "file": str(MANIFEST.parent / entry["file"])} for entry in shipped["documents"]]


def _web_entry(**cleaning) -> dict:
    return {
        "id": WEB,
        "file": "xyzomab.txt",
        "title": "Xyzomab Infusion Guide for Clinic Nurses",
        "short_title": "Web: Xyzomab infusion guide",
        "kind": "article",
        "layout": "blocks",
        "stated_date": None,
        "cleaning": {"furniture": FURNITURE, **cleaning},
    }


def _plain_entry() -> dict:
    # No layout, no cleaning rules, no sections: everything has a default.
    return {"id": PLAIN, "file": "tabulin.txt", "title": "Tabulin notes", "short_title": "Notes: Tabulin", "kind": "label"}


def write_manifest(folder: Path, entries: list[dict], conflicts: str | None = str(MANIFEST.parent / "conflicts.yaml")) -> Path:
    (folder / "xyzomab.txt").write_text(WEB_TEXT, encoding="utf-8")
    (folder / "tabulin.txt").write_text(PLAIN_TEXT, encoding="utf-8")
    path = folder / "manifest.json"
    manifest = {"documents": entries} | ({"conflicts": conflicts} if conflicts else {})
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return path


# --- ingestion only (fast) ---------------------------------------------------------------


@pytest.fixture(scope="module")
def manifest_path(tmp_path_factory) -> Path:
    return write_manifest(tmp_path_factory.mktemp("third-doc"), [*_shipped_entries(), _web_entry(), _plain_entry()])


def test_new_documents_ingest_without_code_changes(manifest_path):
    corpus = load_corpus(manifest_path)
    assert [d.id for d in corpus.documents][2:] == [WEB, PLAIN]
    ids = [p.id for p in corpus.passages]
    assert len(ids) == len(set(ids))
    assert corpus.passages_of(WEB) and corpus.passages_of(PLAIN)
    for passage in corpus.passages:
        assert corpus.document(passage.doc_id).raw[passage.start : passage.end] == passage.text


def test_shipped_documents_keep_their_passages(manifest_path, corpus):
    extended = load_corpus(manifest_path)
    for doc in corpus.documents:
        assert extended.passages_of(doc.id) == corpus.passages_of(doc.id)


def test_declared_furniture_is_in_no_passage(manifest_path):
    corpus = load_corpus(manifest_path)
    text = " ".join(f"{p.section} {p.text} {p.normalized}" for p in corpus.passages)
    for phrase in FURNITURE_TEXT:
        assert phrase not in text, phrase
    assert {d.name for d in corpus.dropped if d.doc_id == WEB} == {f["name"] for f in FURNITURE}


def test_headings_and_bullets_shape_the_passages(manifest_path):
    corpus = load_corpus(manifest_path)
    lists = [p for p in corpus.passages_of(WEB) if p.kind == "list"]
    assert len(lists) == 1 and lists[0].section == "Administering Xyzomab Safely"
    assert lists[0].normalized.count("\n• ") == 2
    assert {p.section for p in corpus.passages_of(PLAIN)} == {"Tabulin storage and handling", "Dispensing"}


def test_the_manifest_is_a_setting(manifest_path, monkeypatch):
    from bot.settings import Settings

    monkeypatch.setenv("MDSBOT_MANIFEST", str(manifest_path))
    assert Settings().manifest == manifest_path


# --- bad manifests: one line naming the document and the rule ------------------------------


@pytest.mark.parametrize(
    ("cleaning", "expected"),
    [
        (
            {"furniture": [{**FURNITURE[0], "first_line": "Subscribe to our newsletter"}]},
            ["cleaning.furniture[0] ('cookie banner').first_line", "anchor not found", "Subscribe to our newsletter"],
        ),
        (
            {"ocr_repairs": [{"pattern": "Xyz(omab", "replacement": "Xyzomab", "why": "typo"}]},
            ["cleaning.ocr_repairs[0].pattern", "bad regex"],
        ),
        (
            {"ocr_repairs": [{"pattern": "Xyzomob", "replacement": "Xyzomab", "why": "stale"}]},
            ["cleaning.ocr_repairs[0].pattern", "matches nothing"],
        ),
    ],
    ids=["unknown-anchor", "bad-regex", "stale-repair"],
)
def test_a_bad_rule_is_one_line_naming_document_and_rule(tmp_path, cleaning, expected):
    entry = _web_entry()
    entry["cleaning"] = {**entry["cleaning"], **cleaning}
    path = write_manifest(tmp_path, [_plain_entry(), entry])
    with pytest.raises(ManifestError) as caught:
        load_corpus(path)
    message = str(caught.value)
    assert "\n" not in message and WEB in message
    for part in expected:
        assert part in message, message


def test_an_unknown_field_or_kind_names_the_document(tmp_path):
    path = write_manifest(tmp_path, [_plain_entry(), {**_web_entry(), "kind": "blog"}])
    with pytest.raises(ManifestError, match=rf"^.*document '{WEB}': kind: .*"):
        load_corpus(path)


def test_a_conflict_quote_missing_from_the_corpus_is_one_line(tmp_path):
    conflicts = tmp_path / "conflicts.yaml"
    conflicts.write_text(
        "- topic: infusion speed\n"
        "  summary: made up\n"
        "  triggers: [[{words: [xyzomab]}]]\n"
        "  positions:\n"
        f"    - {{doc_id: '{WEB}', quote: 'The maximum infusion rate', stance: fast}}\n"
        f"    - {{doc_id: '{WEB}', quote: 'Xyzomab must never be infused', stance: slow}}\n",
        encoding="utf-8",
    )
    path = write_manifest(tmp_path, [_plain_entry(), _web_entry()], conflicts=str(conflicts))
    with pytest.raises(ConflictsError) as caught:
        load_conflicts(load_corpus(path))
    message = str(caught.value)
    assert "\n" not in message and "'infusion speed'" in message and "positions[1].quote" in message


# --- the real engine over the extended manifest --------------------------------------------


@pytest.fixture(scope="module")
def extended_engine(manifest_path, tmp_path_factory):
    from bot.engine import Engine
    from bot.settings import Settings

    return Engine.from_settings(Settings(manifest=manifest_path, data_dir=tmp_path_factory.mktemp("third-doc-index")))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "doc_id", "fact"),
    [
        ("What is the maximum infusion rate of Xyzomab?", WEB, "25 mg per minute"),
        ("How long do patients stay in the clinic after a Xyzomab infusion?", WEB, "45 minutes"),
        ("How long can Tabulin tablets be left at room temperature?", PLAIN, "48 hours"),
    ],
)
def test_questions_only_the_new_documents_answer(extended_engine, question, doc_id, fact):
    response = extended_engine.ask(question)
    assert response.status == "answered", response.answer
    assert fact in response.answer
    raw = extended_engine.corpus.document(doc_id).raw
    assert any(c.doc_id == doc_id and fact in raw[c.start : c.end] for c in response.citations), response.citations


@pytest.mark.slow
def test_the_shipped_documents_still_answer(extended_engine):
    response = extended_engine.ask("What dose of imetelstat was used in IMerge?")
    assert response.status == "answered"
    assert "7.5 mg/kg" in response.answer
    assert any(c.doc_id == "000_28884f76a78fdbfe" for c in response.citations)
    assert all(c.doc_id not in (WEB, PLAIN) for c in response.citations)

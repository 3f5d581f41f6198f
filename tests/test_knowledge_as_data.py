"""Knowledge lives in data files: no module names a document, a trial or a brand in code.

The names come from the data files themselves (manifest, lexicon), so a document or a
brand added there is covered by this test without editing it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from corpus.lexicon import load_lexicon

ROOT = Path(__file__).resolve().parent.parent
CODE_PACKAGES = ("bot", "corpus", "rules_core", "eval")


def _code_files() -> list[Path]:
    return sorted(p for package in CODE_PACKAGES for p in (ROOT / package).rglob("*.py"))


def _forbidden_names() -> list[tuple[str, re.Pattern[str]]]:
    """(what, regex) for every document id, title, trial name and brand the data files declare."""
    lexicon = load_lexicon()
    manifest = json.loads((ROOT / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    names: list[tuple[str, re.Pattern[str]]] = []
    for doc in manifest["documents"]:
        names.append((f"document id {doc['id']}", re.compile(re.escape(doc["id"]))))
        names.append((f"document title of {doc['id']}", re.compile(re.escape(doc["title"]))))
        if doc.get("short_title"):
            names.append((f"short title of {doc['id']}", re.compile(re.escape(doc["short_title"]))))
    # Trial names as written: 'COMMANDS' is a trial, 'commands' of a CLI is not.
    names += [(f"trial {t.label}", re.compile(rf"\b{re.escape(t.label)}\b")) for t in lexicon.trials]
    names += [
        (f"brand {brand}", re.compile(rf"\b{re.escape(brand)}\b", re.IGNORECASE))
        for drug in lexicon.drugs
        for brand in drug.brands
    ]
    return names


def test_the_data_files_declare_names_to_look_for() -> None:
    whats = [what for what, _ in _forbidden_names()]
    assert any(w.startswith("document id") for w in whats)
    assert any(w.startswith("trial") for w in whats)
    assert any(w.startswith("brand") for w in whats)


@pytest.mark.parametrize("path", _code_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_names_a_document_trial_or_brand(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {what}"
        for what, regex in _forbidden_names()
        for m in regex.finditer(text)
    ]
    assert not found, "knowledge written in code instead of the data files:\n" + "\n".join(found)


def test_the_scan_finds_a_name_planted_in_code(tmp_path: Path) -> None:
    """The scan itself works: a brand written in code is caught."""
    brand = load_lexicon().drugs[0].brands[0]
    planted = f'DRUG = "{brand.lower()}"\n'
    assert any(regex.search(planted) for _, regex in _forbidden_names())

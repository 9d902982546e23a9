"""tools/grounded_check.py: the per-record checks and the whole-file check."""

import importlib.util
import json
from pathlib import Path

import pytest

from maskscreen.classifier.grounded import grounded_files

TOOL = Path(__file__).resolve().parents[2] / "tools" / "grounded_check.py"


@pytest.fixture(scope="module")
def check():
    spec = importlib.util.spec_from_file_location("grounded_check", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def record(**changes):
    good = {
        "id": "r99-de-0001",
        "language": "de",
        "family": "figurine",
        "title": "Minifigur nach Foto",
        "description": "Kleine Figur aus dem 3D-Drucker.",
        "price": "",
        "label": "benign",
        "signals": {"evasion_claim": False, "made_to_order": True, "off_platform_contact": False},
        "source_url": "https://example.invalid/figur",
        "note": "test record",
        "borderline": False,
    }
    return {**good, **changes}


def test_family_keys_come_from_the_guidelines(check):
    keys = check.family_keys(check.GUIDELINES.read_text("utf-8"))
    assert set(check.DANGEROUS) <= keys
    assert {"figurine", "doll", "other_benign"} <= keys
    assert "realistic_face_mask" not in keys


def test_a_good_record_has_no_problems(check):
    keys = check.family_keys(check.GUIDELINES.read_text("utf-8"))
    assert check.record_problems(record(), "de", keys) == []


@pytest.mark.parametrize(
    ("changes", "lang", "expected"),
    [
        ({"id": "r99-en-0001"}, "de", "id or language"),
        ({"family": "printed_replica"}, "de", "does not go with label"),
        ({"family": "wax_figure"}, "de", "not in the guidelines"),
        ({"borderline": "no"}, "de", "booleans"),
        ({"description": "x" * 601}, "de", "600"),
    ],
)
def test_each_record_problem_is_reported(check, changes, lang, expected):
    keys = check.family_keys(check.GUIDELINES.read_text("utf-8"))
    found = check.record_problems(record(**changes), lang, keys)
    assert any(expected in p for p in found), found


def test_a_used_page_and_a_copied_text_are_reported(check, tmp_path):
    old = json.loads(Path(grounded_files()[0]).read_text("utf-8").splitlines()[0])
    lang = old["language"]
    new = record(
        id=f"r99-{lang}-0001",
        language=lang,
        family=old["family"],
        label=old["label"],
        title=old["title"],
        description=old["description"],
        source_url=old["source_url"],
    )
    path = tmp_path / f"{lang}_r99.jsonl"
    path.write_text(json.dumps(new, ensure_ascii=False) + "\n", "utf-8")
    found = check.problems(path, 0.5)
    assert any("source_url used" in p for p in found)
    assert any(f"~ {old['id']}: 1.00" in p for p in found)

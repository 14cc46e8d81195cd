"""Each broken official input is refused with every bad row named, and data/ stays untouched (#11).

The broken files are in tests/data/official_corpus (made by
tests/data/make_official_corpus.py from the tiny fixtures); ``cases.json`` says
which input each replaces and what the build must print.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.data import build
from dashboard.data.build import RAW_FILES
from tests.conftest import FIXTURE_FILES, FIXTURES, ROOT

CORPUS = FIXTURES / "official_corpus"
CASES = json.loads((CORPUS / "cases.json").read_text("utf-8"))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))}


def _raw_copy(folder: Path) -> Path:
    for key, name in RAW_FILES.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / FIXTURE_FILES[key], target)
    return folder


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> tuple[Path, Path]:
    """data/ and static/data/ built once from the good fixtures (the state to protect)."""
    root = tmp_path_factory.mktemp("built")
    raw = _raw_copy(root / "raw")
    args = ["--raw-dir", str(raw), "--data-dir", str(root / "data")]
    assert build.main([*args, "--static-dir", str(root / "static")]) == 0
    return root / "data", root / "static"


def _run(case: dict, tmp_path: Path, data_dir: Path, static_dir: Path, capsys) -> tuple[int, str]:
    raw = _raw_copy(tmp_path / "raw")
    shutil.copyfile(CORPUS / case["file"], raw / RAW_FILES[case["input"]])
    capsys.readouterr()
    code = build.main(
        ["--raw-dir", str(raw), "--data-dir", str(data_dir), "--static-dir", str(static_dir)]
    )
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_every_input_has_broken_files_and_they_are_what_the_script_writes(tmp_path):
    assert {c["input"] for c in CASES} == set(RAW_FILES)
    script = (FIXTURES / "make_official_corpus.py").read_text("utf-8")
    out = tmp_path / "corpus"
    code = script.replace('OUT = HERE / "official_corpus"', f"OUT = Path({str(out)!r})")
    code = code.replace("HERE = Path(__file__).resolve().parent", f"HERE = Path({str(FIXTURES)!r})")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {
        p.name: p.read_bytes() for p in CORPUS.iterdir()
    }


@pytest.mark.parametrize(
    "case", [c for c in CASES if c["verdict"] == "refused"], ids=lambda c: c["file"]
)
def test_a_broken_input_is_refused_naming_every_bad_row(case, built_once, tmp_path, capsys):
    data_dir, static_dir = (tmp_path / "data", tmp_path / "static")
    shutil.copytree(built_once[0], data_dir)
    shutil.copytree(built_once[1], static_dir)
    before = _snapshot(data_dir) | {f"static/{k}": v for k, v in _snapshot(static_dir).items()}
    code, printed = _run(case, tmp_path, data_dir, static_dir, capsys)
    assert code == 1
    assert "data/ is unchanged" in printed
    for phrase in case["messages"]:
        assert phrase in printed, printed
    assert "Traceback" not in printed
    after = _snapshot(data_dir) | {f"static/{k}": v for k, v in _snapshot(static_dir).items()}
    assert after == before


@pytest.mark.parametrize(
    "case", [c for c in CASES if c["verdict"] == "accepted"], ids=lambda c: c["file"]
)
def test_a_usable_input_is_built_and_what_was_done_is_named(case, tmp_path, capsys):
    code, printed = _run(case, tmp_path, tmp_path / "data", tmp_path / "static", capsys)
    assert code == 0, printed
    warnings = [line for line in printed.splitlines() if line.startswith("warning: ")]
    for phrase in case["warnings"]:
        assert any(phrase in w for w in warnings), warnings
    assert (tmp_path / "data" / "schools.parquet").exists()

"""Lint is part of the suite: ruff keeps streamlit out of dashboard/ (TID251) and the style."""

from __future__ import annotations

import shutil
import subprocess
import sys

from tests.conftest import ROOT


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff") or str(ROOT / ".venv" / "bin" / "ruff")
    result = subprocess.run(
        [ruff, "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dashboard_imports_without_streamlit():
    """Every library module except loaders and ui imports where streamlit is blocked."""
    code = (
        "import sys, pkgutil, importlib\n"
        "sys.modules['streamlit'] = None\n"
        "import dashboard\n"
        "for m in pkgutil.iter_modules(dashboard.__path__):\n"
        "    if m.name not in ('loaders', 'ui'):\n"
        "        importlib.import_module('dashboard.' + m.name)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

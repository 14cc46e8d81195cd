"""The layers the README draws hold in the code: import direction, Streamlit, size, no JS in Python.

Regression tests for issue #13.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

DASHBOARD = ROOT / "dashboard"
# A module may import its own layer and those with a lower rank; maps and outputs share
# a rank but may not import each other.
LAYER_RANK = {
    "config": 0,
    "data": 1,
    "analysis": 2,
    "register": 3,
    "maps": 4,
    "outputs": 4,
    "app": 5,
}
MAX_MODULE_LINES = 400
MODULES = sorted(p for p in DASHBOARD.rglob("*.py") if "migrations" not in p.parts)


def _layer(module: str) -> str:
    """``dashboard.analysis.gaps`` -> ``analysis``; ``dashboard.config`` -> ``config``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = [p for p in relative.parts if p != "__init__"]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports (also inside functions), as dotted names."""
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # "from dashboard import config" names the module config
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_layers_import_only_layers_below_them(path: Path):
    own = _layer(_module_name(path))
    if own not in LAYER_RANK:  # dashboard/__init__.py
        return
    wrong = set()
    for name in _imports(path):
        if not name.startswith("dashboard.") or _layer(name) not in LAYER_RANK:
            continue
        other = _layer(name)
        too_high = LAYER_RANK[other] > LAYER_RANK[own]
        sideways = other != own and LAYER_RANK[other] == LAYER_RANK[own]
        if too_high or sideways:
            wrong.add(name)
    assert not wrong, f"{own} may not import {sorted(wrong)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_app_layer_imports_streamlit(path: Path):
    if _layer(_module_name(path)) == "app":
        return
    ui = {n for n in _imports(path) if n.split(".")[0] in ("streamlit", "streamlit_folium")}
    assert not ui, f"{path.name} imports {sorted(ui)}"


def test_every_layer_but_the_app_imports_where_streamlit_is_blocked():
    code = (
        "import sys, importlib\n"
        "sys.modules['streamlit'] = None\n"
        "sys.modules['streamlit_folium'] = None\n"
        f"for name in {[_module_name(p) for p in MODULES if _layer(_module_name(p)) != 'app']}:\n"
        "    importlib.import_module(name)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_the_size_limit(path: Path):
    lines = len(path.read_text("utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{lines} lines: split it by what it is about"


def test_every_layer_says_what_it_holds_and_may_import():
    for package in LAYER_RANK:
        if package == "config":
            continue
        doc = ast.get_docstring(ast.parse((DASHBOARD / package / "__init__.py").read_text()))
        assert "May import" in (doc or ""), package


JS_IN_PYTHON = re.compile(r"function\s*\(|<script|<style|\bvar\s+\w+\s*=|=>\s*\{")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_javascript_or_css_inside_python_strings(path: Path):
    tree = ast.parse(path.read_text("utf-8"))
    strings = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    assert not [s for s in strings if JS_IN_PYTHON.search(s)]


def test_pages_do_not_import_each_other():
    for page in (ROOT / "pages").glob("*.py"):
        assert not {n for n in _imports(page) if n.startswith("pages")}, page.name

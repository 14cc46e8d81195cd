"""The map's browser code in static/js: ESLint finds nothing and its unit tests pass (issue #13).

Needs Node.js (``node``, ``npm``); the tests install the pinned ESLint from
``package-lock.json`` into ``node_modules/`` on first use. In CI (where
``ATLAS_REQUIRE_NODE`` is set) a missing Node.js is a failure, not a skip.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import ROOT, skip_or_fail


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        skip_or_fail("ATLAS_REQUIRE_NODE", "Node.js is not installed")
    return found


@pytest.fixture(scope="module")
def eslint(node) -> list[str]:
    binary = ROOT / "node_modules" / "eslint" / "bin" / "eslint.js"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            skip_or_fail("ATLAS_REQUIRE_NODE", "npm is not installed")
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return [node, str(binary)]


def test_the_browser_code_passes_eslint(eslint):
    result = subprocess.run(
        [*eslint, "static/js"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_browser_code_unit_tests_pass(node):
    result = subprocess.run(
        [node, "--test", "static/js/test/"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout

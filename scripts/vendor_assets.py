"""Fetch the browser libraries the app serves itself, from the npm registry.

Folium loads Leaflet, jQuery, Bootstrap and Font Awesome from public CDNs by
default; many council networks (and CI) cannot reach them. This script downloads
the exact versions folium asks for with ``npm pack``, copies the files the maps
use into ``static/vendor/`` (served by Streamlit at ``/app/static/vendor``) and
axe-core into ``tests/vendor/`` for the accessibility tests, and records each
file's sha256 in ``static/vendor/MANIFEST.json``. Run it only to change versions;
the files are committed, so the app never needs npm.

Usage: ``python scripts/vendor_assets.py``
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATIC_VENDOR = ROOT / "static" / "vendor"
TEST_VENDOR = ROOT / "tests" / "vendor"

# npm package -> files (inside the package) to keep.
PACKAGES: dict[str, list[str]] = {
    "leaflet@1.9.3": [
        "dist/leaflet.js",
        "dist/leaflet.css",
        "dist/images/layers.png",
        "dist/images/layers-2x.png",
        "dist/images/marker-icon.png",
        "dist/images/marker-icon-2x.png",
        "dist/images/marker-shadow.png",
        "LICENSE",
    ],
    "jquery@3.7.1": ["dist/jquery.min.js", "LICENSE.txt"],
    "bootstrap@5.2.2": [
        "dist/js/bootstrap.bundle.min.js",
        "dist/css/bootstrap.min.css",
        "LICENSE",
    ],
    "leaflet.awesome-markers@2.0.5": [
        "dist/leaflet.awesome-markers.js",
        "dist/leaflet.awesome-markers.css",
        "dist/images/markers-soft.png",
        "dist/images/markers-soft@2x.png",
        "dist/images/markers-shadow.png",
        "dist/images/markers-shadow@2x.png",
        "LICENSE",
    ],
    "@fortawesome/fontawesome-free@6.2.0": [
        "css/all.min.css",
        "webfonts/fa-solid-900.woff2",
        "webfonts/fa-regular-400.woff2",
        "webfonts/fa-brands-400.woff2",
        "webfonts/fa-v4compatibility.woff2",
        "LICENSE.txt",
    ],
}
TEST_PACKAGES: dict[str, list[str]] = {"axe-core@4.14.1": ["axe.min.js", "LICENSE"]}


def _folder_name(spec: str) -> str:
    """``@scope/name@1.0`` -> ``name@1.0`` (a flat folder per package version)."""
    return spec.rsplit("/", 1)[-1]


def fetch(spec: str, files: list[str], target_root: Path, workdir: Path) -> dict[str, str]:
    """Download one package with ``npm pack`` and copy the chosen files."""
    result = subprocess.run(
        ["npm", "pack", spec, "--silent"], cwd=workdir, capture_output=True, text=True, check=True
    )
    tarball = workdir / result.stdout.strip().splitlines()[-1]
    target = target_root / _folder_name(spec)
    if target.exists():
        shutil.rmtree(target)
    hashes: dict[str, str] = {}
    with tarfile.open(tarball) as archive:
        for name in files:
            member = archive.extractfile(f"package/{name}")
            if member is None:
                raise FileNotFoundError(f"{spec}: {name}")
            data = member.read()
            # Keep the package's own layout below dist/ so relative URLs in CSS still work.
            out = target / name.removeprefix("dist/")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
            hashes[out.relative_to(target_root.parent).as_posix()] = hashlib.sha256(
                data
            ).hexdigest()
    return hashes


def main() -> None:
    """Fetch every package and write the manifest."""
    manifest: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for spec, files in PACKAGES.items():
            manifest[spec] = fetch(spec, files, STATIC_VENDOR, Path(tmp))
        for spec, files in TEST_PACKAGES.items():
            manifest[spec] = fetch(spec, files, TEST_VENDOR, Path(tmp))
    (STATIC_VENDOR / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"vendored {sum(len(v) for v in manifest.values())} files")


if __name__ == "__main__":
    main()

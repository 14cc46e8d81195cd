"""The browser files maps load: the app's own copies of Leaflet, and versioned atlas scripts."""

from __future__ import annotations

import functools
import hashlib

import folium
import folium.elements
from branca.element import Element

from dashboard import config

# st_folium renders maps in an iframe at /component/<name>/index.html. The map's
# files come from ./static through the app's own route (dashboard/app/map_assets.py),
# which serves them precompressed and, with their content hash in ``?v=``, cached
# for a year; Streamlit's /app/static serves the same files without either.
MAP_ASSETS_ROUTE = "map-assets"
COMPONENT_STATIC_URL = f"../../{MAP_ASSETS_ROUTE}"
ATLAS_JS = "js/atlas-map.js"
ATLAS_CSS = "css/atlas-map.css"

LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
LEAFLET_FILES = (LEAFLET_JS, LEAFLET_CSS)
# folium's CDN links -> files vendored from npm by scripts/vendor_assets.py.
LOCAL_ASSETS: dict[str, str | None] = {
    LEAFLET_JS: "vendor/leaflet@1.9.3/leaflet.js",
    LEAFLET_CSS: "vendor/leaflet@1.9.3/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "vendor/jquery@3.7.1/jquery.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": (
        "vendor/bootstrap@5.2.2/js/bootstrap.bundle.min.js"
    ),
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": (
        "vendor/bootstrap@5.2.2/css/bootstrap.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/"
    "leaflet.awesome-markers.js": "vendor/leaflet.awesome-markers@2.0.5/leaflet.awesome-markers.js",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/"
    "leaflet.awesome-markers.css": (
        "vendor/leaflet.awesome-markers@2.0.5/leaflet.awesome-markers.css"
    ),
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": (
        "vendor/fontawesome-free@6.2.0/css/all.min.css"
    ),
    # Glyphicons and folium's rotation CSS only serve icon styles these maps never use.
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": None,
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
    "leaflet.awesome.rotate.min.css": None,
}


@functools.cache
def file_version(name: str) -> str:
    """Eight hex characters of a static file's sha256, so browsers refetch it when it changes.

    Parameters
    ----------
    name : str
        Path inside ``static/``, e.g. ``"js/atlas-map.js"``.

    Returns
    -------
    str
    """
    return hashlib.sha256((config.STATIC_DIR / name).read_bytes()).hexdigest()[:8]


def static_file_url(name: str, static_url: str = COMPONENT_STATIC_URL) -> str:
    """URL of a file in ``static/`` with its content version, e.g. ``…/js/atlas-map.js?v=1a2b3c4d``.

    Parameters
    ----------
    name : str
        Path inside ``static/``.
    static_url : str
        Where the static folder is, as seen from the map's page.

    Returns
    -------
    str
    """
    return f"{static_url}/{name}?v={file_version(name)}"


def localise_assets(m: folium.Map, static_url: str = COMPONENT_STATIC_URL) -> folium.Map:
    """Point every folium script and stylesheet at the app's own copies.

    Parameters
    ----------
    m : folium.Map
        Any folium map; its elements are changed in place.
    static_url : str
        URL of the app's ``static`` folder as seen from the page the map runs in.

    Returns
    -------
    folium.Map
        The same map.

    Raises
    ------
    ValueError
        If an element asks for a CDN file that has no local copy, so a new
        plugin cannot silently reach out to the internet.
    """
    for element in [m, *_descendants(m)]:
        if not isinstance(element, folium.elements.JSCSSMixin):
            continue
        for attribute in ("default_js", "default_css"):
            local = []
            for name, url in getattr(element, attribute):
                if url.startswith(static_url):
                    local.append((name, url))
                    continue
                if url not in LOCAL_ASSETS:
                    raise ValueError(f"no local copy of {url}; add it to scripts/vendor_assets.py")
                if LOCAL_ASSETS[url] is not None:
                    local.append((name, static_file_url(LOCAL_ASSETS[url], static_url)))
            # An instance attribute, so other maps keep folium's class defaults.
            setattr(element, attribute, local)
    return m


def _descendants(element: Element) -> list[Element]:
    """Every child element, depth first."""
    out: list[Element] = []
    for child in element._children.values():
        out.append(child)
        out.extend(_descendants(child))
    return out

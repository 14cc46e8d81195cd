"""The map's files over HTTP: precompressed, cached for a year by content hash, preloaded.

A first visit to the map used to wait for Streamlit to boot, then for the map's
frame to fetch its scripts, then for the scripts to fetch the data. Two things
here take those fetches off that path:

* ``/map-assets/<path>?v=<hash>`` serves the map's scripts, styles and data from
  ``static/`` gzip-compressed (the data files are compressed by the build, see
  :func:`dashboard.data.map_files.gzip_bytes`; scripts once, in memory) and, when
  ``v`` is the file's content hash, with ``Cache-Control: immutable`` for a year,
  so a change of file is a change of URL;
* :class:`MapPagePreloads` adds ``Link: rel=preload`` headers to the map page's
  HTML, so the browser fetches those files (and the map component's own script)
  while Streamlit is still booting; the map's frame then finds them in its cache.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import mimetypes
import re
import zlib
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dashboard import config
from dashboard.data import map_files
from dashboard.maps import assets, school_map

# Only the map's own files: the route is no general window onto static/.
SERVED_FOLDERS = ("js/", "css/", "vendor/leaflet@1.9.3/", "data/")
YEAR_S = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={YEAR_S}, immutable"
# Page paths whose HTML gets the preload headers: the map is every visitor's first page.
MAP_PAGE_PATHS = ("/", "/map")
COMPONENT_PREFIX = "/component/streamlit_folium.st_folium/"
FRAME_CHUNK = "ComponentInstance"
_IMPORT = re.compile(r'from"\./([\w.\-]+\.js)"')
mimetypes.add_type("application/geo+json", ".geojson")


@dataclasses.dataclass(frozen=True)
class Asset:
    """One served file: its bytes, gzip bytes (None if not worth compressing), type and hash."""

    raw: bytes
    gzipped: bytes | None
    media_type: str
    version: str


def _gzip_matches(gzipped: bytes, raw: bytes) -> bool:
    """Whether a gzip member holds ``raw``, judged by its trailer (CRC-32 and size)."""
    if len(gzipped) < 18:
        return False
    crc = int.from_bytes(gzipped[-8:-4], "little")
    size = int.from_bytes(gzipped[-4:], "little")
    return crc == zlib.crc32(raw) and size == len(raw) % 2**32


@functools.cache
def load_asset(name: str) -> Asset | None:
    """A file of ``static/`` the route may serve, or None (outside the map's folders, or absent).

    Parameters
    ----------
    name : str
        Path inside ``static/``, e.g. ``"data/school_points.json"``.

    Returns
    -------
    Asset or None
    """
    root = config.STATIC_DIR.resolve()
    path = (root / name).resolve()
    if not name.startswith(SERVED_FOLDERS) or not path.is_relative_to(root) or not path.is_file():
        return None
    raw = path.read_bytes()
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    gzipped = None
    if not media_type.startswith("image/"):
        built = Path(f"{path}.gz")
        stored = built.read_bytes() if built.is_file() else b""
        # A stale .gz (the JSON changed by hand since the build) is never served.
        gzipped = stored if _gzip_matches(stored, raw) else map_files.gzip_bytes(raw)
    return Asset(raw, gzipped, media_type, assets.file_version(name))


async def serve(request: Request) -> Response:
    """GET /map-assets/<path>: the file, gzipped if the browser accepts it."""
    asset = load_asset(request.path_params["path"])
    if asset is None:
        return PlainTextResponse("not found", status_code=404)
    # Only the current content may be cached under its hash; any other ?v= gets
    # today's file but must ask again next time.
    cache = IMMUTABLE if request.query_params.get("v") == asset.version else "no-cache"
    headers = {"Cache-Control": cache, "Vary": "Accept-Encoding", "ETag": f'"{asset.version}"'}
    body = asset.raw
    if asset.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        body = asset.gzipped
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=asset.media_type, headers=headers)


def routes() -> list[Route]:
    """The route to mount beside Streamlit."""
    return [Route(f"/{assets.MAP_ASSETS_ROUTE}/{{path:path}}", serve, methods=["GET"])]


@functools.cache
def preload_header() -> str:
    """``Link`` header value preloading what the map's frame will ask for.

    The URLs are exactly those the frame uses (same ``?v=``), so the frame's
    requests are answered from the browser's cache.
    """
    site = f"/{assets.MAP_ASSETS_ROUTE}"
    # Streamlit loads the code for a component's frame only once the page's script
    # has reached st_folium, in a queue behind every other element's code.
    links = [f"</static/js/{name}>; rel=modulepreload" for name in _streamlit_chunks(FRAME_CHUNK)]
    for name in _component_scripts():
        links.append(f"<{COMPONENT_PREFIX}{name}>; rel=preload; as=script")
    leaflet_js, leaflet_css = (str(assets.LOCAL_ASSETS[u]) for u in assets.LEAFLET_FILES)
    links.append(f"<{school_map.atlas_script_url(site)}>; rel=preload; as=script")
    links.append(f"<{assets.static_file_url(leaflet_js, site)}>; rel=preload; as=script")
    for name in (leaflet_css, assets.ATLAS_CSS):
        links.append(f"<{assets.static_file_url(name, site)}>; rel=preload; as=style")
    for name in map_files.FIRST_DRAW_FILES:
        url = school_map.data_file_url(name, site)
        # crossorigin: fetch() in the frame asks in CORS mode; the preload must match it.
        links.append(f"<{url}>; rel=preload; as=fetch; crossorigin")
    return ", ".join(links)


def _streamlit_chunks(prefix: str) -> list[str]:
    """Streamlit's script chunk named ``<prefix>.<hash>.js`` and every chunk it imports."""
    spec = importlib.util.find_spec("streamlit")
    folder = Path(str(spec.origin)).parent / "static" / "static" / "js"
    pending = [p.name for p in folder.glob(f"{prefix}.*.js")][:1]
    found: list[str] = []
    while pending:
        name = pending.pop()
        if name in found or not (folder / name).is_file():
            continue
        found.append(name)
        pending += _IMPORT.findall((folder / name).read_text("utf-8", errors="replace"))
    return found


def _component_scripts() -> list[str]:
    """The map component's script files (``static/js/main.<hash>.js``), relative to it."""
    # Found without importing it: imported outside a script run, it would not register.
    spec = importlib.util.find_spec("streamlit_folium")
    build = Path(str(spec.origin)).parent / "frontend" / "build"
    return sorted(p.relative_to(build).as_posix() for p in build.glob("static/js/main.*.js"))


class MapPagePreloads:
    """ASGI middleware: preload headers on the map page, a year's caching for the component.

    The component's scripts have a content hash in their names (``main.521860b0.js``)
    but Streamlit serves them with ``Cache-Control: public`` only, so a preload from
    the page could not be reused by the frame; they get the immutable header here.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response start if it is one of ours."""
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        is_page = path in MAP_PAGE_PATHS
        is_component_script = path.startswith(f"{COMPONENT_PREFIX}static/js/main.")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start" and message.get("status") == 200:
                headers = list(message.get("headers", []))
                kinds = dict(headers).get(b"content-type", b"")
                if is_page and kinds.startswith(b"text/html"):
                    headers.append((b"link", preload_header().encode("latin-1")))
                if is_component_script:
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", IMMUTABLE.encode()))
                message = {**message, "headers": headers}
            await send(message)

        wrapped = is_page or is_component_script
        await self.app(scope, receive, send_with_headers if wrapped else send)


def warm() -> None:
    """Read, hash and compress every file the map page preloads (part of the start-up warm-up)."""
    names = [assets.ATLAS_JS, assets.ATLAS_CSS]
    names += [str(assets.LOCAL_ASSETS[u]) for u in assets.LEAFLET_FILES]
    names += [f"data/{n}" for n in map_files.STATIC_FILES]
    for name in names:
        load_asset(name)
    preload_header()

"""The map's files route, the map page's preload headers and the start-up warm-up (#16)."""

from __future__ import annotations

import gzip

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from dashboard import config
from dashboard.analysis import profiles
from dashboard.app import loaders, map_assets, warm_up, web
from dashboard.maps import assets, school_map


@pytest.fixture(scope="module")
def client() -> TestClient:
    """The app's routes behind the preload middleware, with stand-in Streamlit pages."""

    async def page(_request):
        return HTMLResponse("<html></html>")

    async def component_script(_request):
        return PlainTextResponse("x", media_type="text/javascript")

    routes = [
        *web.routes(),
        Route("/", page),
        Route("/register", page),
        Route(f"{map_assets.COMPONENT_PREFIX}static/js/main.0123.js", component_script),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(map_assets.MapPagePreloads)])
    return TestClient(app, base_url="http://127.0.0.1")


def _path(url: str) -> str:
    return url.replace(assets.COMPONENT_STATIC_URL, f"/{assets.MAP_ASSETS_ROUTE}")


def test_data_is_served_gzipped_and_cached_for_a_year_under_its_hash(client):
    url = _path(school_map.data_file_url("school_points.json"))
    reply = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert reply.status_code == 200
    assert reply.headers["content-encoding"] == "gzip"
    assert reply.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert reply.headers["content-type"] == "application/json"
    # The test client inflates the body, as a browser does.
    assert reply.content == (config.STATIC_DATA_DIR / "school_points.json").read_bytes()


def test_the_build_s_gzip_file_is_what_is_sent(client):
    name = "data/local_authorities.geojson"
    asset = map_assets.load_asset(name)
    assert asset is not None
    assert asset.gzipped == (config.STATIC_DIR / f"{name}.gz").read_bytes()
    assert gzip.decompress(asset.gzipped) == asset.raw


def test_another_version_is_served_but_never_cached(client):
    reply = client.get(f"/{assets.MAP_ASSETS_ROUTE}/js/atlas-map.js?v=00000000")
    assert reply.status_code == 200
    assert reply.headers["cache-control"] == "no-cache"


def test_without_gzip_the_plain_file_is_sent(client):
    reply = client.get(
        _path(assets.static_file_url(assets.ATLAS_CSS)), headers={"Accept-Encoding": "identity"}
    )
    assert "content-encoding" not in reply.headers
    assert reply.content == (config.STATIC_DIR / assets.ATLAS_CSS).read_bytes()


@pytest.mark.parametrize(
    "path",
    ["vendor/jquery@3.7.1/jquery.min.js", "../dashboard/config.py", "data/missing.json", "js/"],
)
def test_only_the_map_s_own_files_are_served(client, path):
    assert client.get(f"/{assets.MAP_ASSETS_ROUTE}/{path}").status_code == 404


def test_the_map_page_preloads_exactly_the_urls_its_frame_asks_for(client):
    links = client.get("/").headers["link"]
    assert f"<{_path(school_map.atlas_script_url())}>; rel=preload; as=script" in links
    for name in ("school_points.json", "local_authorities.geojson", "regions.geojson"):
        assert f"<{_path(school_map.data_file_url(name))}>; rel=preload; as=fetch" in links
    assert "school_labels.json" not in links  # only needed for tooltips, after drawing
    assert "jquery" not in links
    assert "bootstrap" not in links
    assert "rel=modulepreload" in links  # Streamlit's code for the map's frame
    assert "link" not in client.get("/register").headers


def test_the_component_s_hashed_scripts_are_cached_for_a_year(client):
    reply = client.get(f"{map_assets.COMPONENT_PREFIX}static/js/main.0123.js")
    assert reply.headers["cache-control"] == map_assets.IMMUTABLE


def test_readiness_waits_for_the_warm_up(client, monkeypatch):
    monkeypatch.setattr(warm_up, "pending", lambda: True)
    reply = client.get("/healthz/ready")
    assert (reply.status_code, reply.text) == (503, "warming up")
    monkeypatch.setattr(warm_up, "pending", lambda: False)
    assert client.get("/healthz/ready").text == "ok"


def test_the_warm_up_runs_what_a_first_visit_computes(monkeypatch):
    """It runs in a thread that only logs a failure: a changed loader once left it doing nothing."""
    monkeypatch.setattr(map_assets, "warm", lambda: None)  # the map's files: tested above
    loaders._schools_table.clear()
    warm_up.warm_caches()
    # The table of all England (the slow part of a first visit) is now cached.
    monkeypatch.setattr(profiles, "schools_table", _built_again)
    warm_up.warm_caches()


def _built_again(*_args, **_kwargs):
    raise AssertionError("the warm-up did not keep the first visit's table")

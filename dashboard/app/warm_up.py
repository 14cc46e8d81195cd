"""Warm every cache the map page needs when the server starts, before it reports ready.

Without this, the first visitor after a deployment or restart waited several
seconds more than anyone else: reading the schools, opening (and migrating) the
register, building the table and the map, importing the map component (whose
routes only exist once it is imported) and hashing and compressing the map's
files. :func:`start` runs all of that in a background thread when the server
starts; ``/healthz/ready`` answers 503 until it is done, so a proxy sends no
visitor to a cold server.
"""

from __future__ import annotations

import logging
import threading
import time

from dashboard.analysis import filters, gaps
from dashboard.app import loaders, map_assets, url_state
from dashboard.maps import school_map, view
from dashboard.register import visibility
from dashboard.register.auth import ANONYMOUS, User

LOG = logging.getLogger(__name__)
_DONE = threading.Event()
_STARTED = threading.Lock()


def register_map_component() -> None:
    """Serve the map component's files now, not only after a page first imports it.

    ``declare_component`` registers a component only when called inside a script
    run; imported here, outside one, it would never be registered at all.
    """
    import streamlit_folium
    from streamlit.runtime import get_instance

    get_instance().component_registry.register_component(streamlit_folium._component_func)


def warm_map_page() -> None:
    """Register the map's component, then run what the map page's first visit computes."""
    register_map_component()
    warm_caches()


def warm_caches(user: User = ANONYMOUS) -> None:
    """Run what a first visit to the map (default filters, no demo links) computes.

    Parameters
    ----------
    user : User
        Whose links the map shows; the first visitor after a start is most often
        the public, who has not signed in.
    """
    defaults = url_state.MAP_DEFAULTS
    schools_gdf = loaders.load_schools()
    loaders.load_filter_options()
    loaders.load_known_urns()
    links_df = loaders.load_links(False, user)
    status_df = loaders.load_link_status(schools_gdf, links_df)
    shown = filters.filter_schools(
        schools_gdf, filters.SchoolFilter(), gaps.linked_urns(schools_gdf, status_df)
    )
    loaders.load_schools_table(shown, links_df)
    inputs = view.build_map_inputs(
        schools_gdf,
        shown,
        loaders.load_la_summary(),
        str(defaults["map_measure"]),
        float(defaults["map_threshold"]),  # type: ignore[arg-type]
        visibility.detailed(links_df),  # as the page does
        fit=False,
    )
    m = school_map.build_base_map()
    for group in school_map.build_school_layers(**inputs):
        group.add_to(m)
    m.get_root().render()  # compiles folium's templates
    loaders.load_manifest()
    map_assets.warm()


def _run() -> None:
    started = time.perf_counter()
    try:
        warm_map_page()
    except Exception:  # a failed warm-up must not stop the server: pages load lazily as before
        LOG.exception("warming the map page's caches failed; the first visit will be slower")
    finally:
        _DONE.set()
    LOG.info("map page caches warmed in %.1f s", time.perf_counter() - started)


def start() -> None:
    """Start warming in a background thread (once per process)."""
    if _STARTED.acquire(blocking=False):
        threading.Thread(target=_run, name="atlas-warm-up", daemon=True).start()


def pending() -> bool:
    """Whether a warm-up has started and not yet finished (successfully or not)."""
    return _STARTED.locked() and not _DONE.is_set()

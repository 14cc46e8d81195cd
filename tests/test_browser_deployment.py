"""Two app servers on one PostgreSQL register behind HAProxy, driven in Chromium (issue #14).

Everything runs on 127.0.0.1 without containers: a throwaway PostgreSQL, two
Streamlit servers started together (they migrate the new register once, under
the advisory lock) and HAProxy with ``deploy/haproxy.cfg``. Through the proxy, a
Worcestershire officer adds a link across the boundary with Birmingham; a
Worcestershire cabinet member on the other server sees it on the map after a
rerun; the officer cannot change a Birmingham-only link; stopping the officer's
server moves them to the other one still signed in, with the register intact;
and a rolling restart of both servers loses no saved edit.
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from bench.proxy import haproxy_path, running_haproxy
from bench.server import choose_option, free_port, start_app, stop_app, wait_until_ok
from dashboard.register import accounts, queries, store
from dashboard.register.auth import OFFICER, User
from dashboard.register.model import LinkInput, audit_table
from dashboard.register.scope import Scope
from tests import postgres_server
from tests.conftest import skip_or_fail
from tests.test_browser_officer_day import choose_link, open_tab, sign_in, wait_text
from tests.test_browser_roles import MAP_FRAME, fill_school

pytestmark = pytest.mark.browser
WORCS = Scope(("Worcestershire",))
PERSHORE, BHAM_A, BHAM_B = 136925, 103120, 103121
STICKY = "ATLAS_SERVER"  # the cookie HAProxy sets to name a tab's server


class Servers:
    """Two app servers on fixed ports, each stopped and started again by the test."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.ports = {"app1": free_port(), "app2": free_port()}
        self.processes: dict = {}

    def start(self, *names: str) -> None:
        """Start servers at the same moment (threads), and wait until each is ready."""
        errors: list[BaseException] = []

        def one(name: str) -> None:
            try:
                self.processes[name] = start_app(env=self.env, port=self.ports[name])[0]
                wait_until_ok(f"http://127.0.0.1:{self.ports[name]}/healthz/ready", 60)
            except BaseException as exc:  # re-raised below, in the test's thread
                errors.append(exc)

        threads = [threading.Thread(target=one, args=(name,)) for name in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
        time.sleep(2.5)  # HAProxy takes a server back after two good checks, 1 s apart

    def stop(self, name: str) -> None:
        stop_app(self.processes.pop(name))

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)


@pytest.fixture(scope="module")
def deployment(chromium, postgres_admin_url):
    """PostgreSQL, two app servers and HAProxy on 127.0.0.1; yields (proxy URL, servers, db)."""
    if haproxy_path() is None:
        skip_or_fail("ATLAS_REQUIRE_BROWSER", "HAProxy is not installed (apt-get install haproxy)")
    url = postgres_server.create_database(postgres_admin_url, f"atlas_two_{uuid.uuid4().hex[:8]}")
    # Every server must share Streamlit's cookie secret (uploads' XSRF tokens, st.login).
    servers = Servers({"ATLAS_DATABASE_URL": url, "STREAMLIT_SERVER_COOKIE_SECRET": "ci-only"})
    try:
        servers.start("app1", "app2")  # a new, empty register: both migrate it at once
        with running_haproxy([f"127.0.0.1:{p}" for p in servers.ports.values()]) as proxy:
            yield proxy, servers, url
    finally:
        servers.stop_all()


def test_two_servers_behind_haproxy(chromium, deployment):
    proxy, servers, url = deployment
    engine = sa.create_engine(url)
    password = secrets.token_urlsafe(16)
    for name, role in (("worcs_officer", "officer"), ("worcs_cabinet", "cabinet")):
        accounts.create_user(engine, name, password, role=role, scope=WORCS)
    bham_only = store.add_link(
        engine,
        LinkInput(BHAM_A, BHAM_B, link_types=("faith",), status="active"),
        User("seed", OFFICER, scope=Scope(("Birmingham",))),
        known_urns=range(100_000, 160_000),
    )
    officer_ctx = chromium.new_context(viewport={"width": 1400, "height": 1000})
    cabinet_ctx = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        officer = officer_ctx.new_page()
        officer.set_default_timeout(30_000)
        sign_in(officer, proxy, "worcs_officer", password, "register")
        wait_text(officer, "acting for Worcestershire")
        officer_server = _server_of(officer_ctx)
        other = "app2" if officer_server == "app1" else "app1"

        # The cabinet member is pinned to the other server, opens the map on their own LA.
        cabinet_ctx.add_cookies([{"name": STICKY, "value": other, "url": proxy}])
        cabinet = cabinet_ctx.new_page()
        cabinet.set_default_timeout(30_000)
        sign_in(cabinet, proxy, "worcs_cabinet", password, "map")
        frame = cabinet.frame_locator(MAP_FRAME)
        frame.locator('body[data-schools-drawn="243"]').wait_for(state="attached", timeout=60_000)
        # The legend, under the map, lists the link types drawn.
        assert cabinet.get_by_text("ethnicity link").count() == 0
        assert _server_of(cabinet_ctx) == other

        # The officer adds a link across the boundary; the cabinet member sees it after a rerun.
        open_tab(officer, "Add a link")
        fill_school(officer, "School (name, URN or postcode)", str(PERSHORE))
        fill_school(officer, "Partner school in England (name, URN or postcode)", str(BHAM_A))
        choose_option(officer, "Link types", "ethnicity")
        officer.keyboard.press("Escape")
        choose_option(officer, "Status", "active")
        officer.get_by_role("button", name="Add link").click()
        wait_text(officer, "added.")
        across = bham_only.link_id + 1
        choose_option(cabinet, "Colour schools by", "Free school meals")
        cabinet.get_by_text("ethnicity link").wait_for(timeout=60_000)

        # A Birmingham-only link is not offered, and the link cannot be moved to Birmingham.
        open_tab(officer, "Edit or end a link")
        picker = officer.get_by_test_id("stSelectbox").filter(has_text="Link to edit")
        picker.locator("input").click()
        picker.locator("input").press_sequentially(f"#{bham_only.link_id} ")
        officer.wait_for_timeout(800)
        assert officer.get_by_role("option").filter(has_text=f"#{bham_only.link_id} ").count() == 0
        officer.keyboard.press("Escape")
        choose_link(officer, f"#{across} ")
        fill_school(officer, "School (name, URN or postcode)", str(BHAM_B))
        officer.get_by_role("button", name="Save changes").click()
        wait_text(officer, "You act for Worcestershire")
        assert queries.get_link(engine, bham_only.link_id).version == 1
        assert queries.get_link(engine, across).school_urn == PERSHORE

        # The officer's server stops mid-session: the open tab reconnects through HAProxy
        # to the other server and, at the next click, is still signed in there.
        servers.stop(officer_server)
        officer.get_by_role("tab", name="Links").click()
        wait_text(officer, "3 of 3 links", timeout=60_000)  # the press links and the one across
        wait_text(officer, "acting for Worcestershire")
        assert _server_of(officer_ctx) == other
        assert len(queries.list_links(engine)) == 4
        servers.start(officer_server)

        # Rolling restart: each server in turn stops and starts; every save is kept.
        saved = []
        for step, name in enumerate(("app1", "app2"), start=1):
            servers.stop(name)
            note = f"Saved while {name} restarted"
            _save_note(officer, proxy, across, note, version=step + 1)
            saved.append(note)
            servers.start(name)
        final = queries.get_link(engine, across)
        assert (final.version, final.notes) == (3, saved[-1])
        assert _notes_in_audit(engine, across) == saved
    finally:
        officer_ctx.close()
        cabinet_ctx.close()
        engine.dispose()


def _server_of(context) -> str:
    """The app server HAProxy pinned this browser to (its sticky cookie)."""
    return next(c["value"] for c in context.cookies() if c["name"] == STICKY)


def _save_note(page, proxy: str, link_id: int, note: str, *, version: int) -> None:
    """Open the register (on whichever server is up), edit a link's notes and save."""
    page.goto(f"{proxy}/register?register_tab=Edit+or+end+a+link")
    wait_text(page, "acting for Worcestershire")
    choose_link(page, f"#{link_id} ")
    page.get_by_role("textbox", name="Notes").fill(note)
    page.get_by_role("button", name="Save changes").click()
    wait_text(page, f"saved (now version {version})")


def _notes_in_audit(engine: sa.Engine, link_id: int) -> list[str]:
    """The notes each update of a link wrote, oldest first."""
    import json

    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(audit_table.c.changes)
            .where(audit_table.c.link_id == link_id, audit_table.c.action == "update")
            .order_by(audit_table.c.audit_id)
        ).scalars()
        return [json.loads(r)["notes"][1] for r in rows if "notes" in json.loads(r)]

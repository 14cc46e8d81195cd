"""Council scope: accounts belong to LAs, regions or England; every write is checked (#14)."""

from __future__ import annotations

import threading
import uuid

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command
from streamlit.testing.v1 import AppTest

from dashboard.register import accounts, auth, queries, scope, sessions, store
from dashboard.register import engine as register_engine
from dashboard.register.auth import CABINET, OFFICER, PermissionDeniedError, User
from dashboard.register.model import LinkInput, users_table
from dashboard.register.scope import NATIONAL, Scope
from tests import postgres_server
from tests.conftest import ROOT, sign_in

WORCS = Scope(("Worcestershire",))
ANN_WORCS = User("ann", OFFICER, "Ann", scope=WORCS)
BOB_BHAM = User("bob", OFFICER, "Bob", scope=Scope(("Birmingham",)))
NATIONAL_USER = User("nat", OFFICER)
KNOWN = frozenset(range(100_000, 160_000))
PERSHORE, WORCS_OTHER = 136925, 116999  # two Worcestershire schools
BHAM_A, BHAM_B = 103120, 103121  # two Birmingham schools


def link(school: int, partner: int | None, **extra) -> LinkInput:
    return LinkInput(school, partner, link_types=("ethnicity",), status="active", **extra)


def test_an_officer_adds_links_touching_their_council_only(register):
    across = store.add_link(register, link(PERSHORE, BHAM_A), ANN_WORCS, known_urns=KNOWN)
    assert across.created_by == "ann"  # across the boundary: Worcestershire's too
    with pytest.raises(PermissionDeniedError, match=r"You act for Worcestershire.*Birmingham"):
        store.add_link(register, link(BHAM_A, BHAM_B), ANN_WORCS, known_urns=KNOWN)
    assert len(queries.list_links(register)) == 3  # the two press links and the one across


def test_a_birmingham_only_link_cannot_be_changed_or_ended_from_worcestershire(register):
    bham = store.add_link(register, link(BHAM_A, BHAM_B), BOB_BHAM, known_urns=KNOWN)
    with pytest.raises(PermissionDeniedError, match=f"link #{bham.link_id}"):
        store.update_link(
            register,
            bham.link_id,
            link(BHAM_A, PERSHORE),  # even an edit that would bring it into Worcestershire
            ANN_WORCS,
            expected_version=1,
            known_urns=KNOWN,
        )
    with pytest.raises(PermissionDeniedError):
        store.end_link(
            register,
            bham.link_id,
            ANN_WORCS,
            expected_version=1,
            end_date=pd.Timestamp("2026-12-01").date(),
            known_urns=KNOWN,
        )
    assert queries.get_link(register, bham.link_id).version == 1


def test_both_councils_may_change_a_link_across_the_boundary_but_not_move_it_away(register):
    across = store.add_link(register, link(PERSHORE, BHAM_A), ANN_WORCS, known_urns=KNOWN)
    saved = store.update_link(
        register,
        across.link_id,
        link(PERSHORE, BHAM_A, notes="Birmingham's note"),
        BOB_BHAM,
        expected_version=1,
        known_urns=KNOWN,
    )
    assert saved.version == 2
    with pytest.raises(PermissionDeniedError, match="the link as edited"):
        store.update_link(
            register,
            across.link_id,
            link(BHAM_B, BHAM_A),
            ANN_WORCS,
            expected_version=2,
            known_urns=KNOWN,
        )


def test_an_import_touching_another_council_is_refused_whole(register):
    rows = [link(PERSHORE, WORCS_OTHER), link(BHAM_A, BHAM_B)]
    with pytest.raises(PermissionDeniedError, match="link 2 of these"):
        store.add_links(register, rows, ANN_WORCS, known_urns=KNOWN, source="file")
    assert len(queries.list_links(register)) == 2  # nothing written


def test_a_regional_or_national_administrator_acts_across_councils(register):
    west_midlands = User("rita", OFFICER, scope=Scope(regions=("West Midlands",)))
    store.add_link(register, link(BHAM_A, BHAM_B), west_midlands, known_urns=KNOWN)
    with pytest.raises(PermissionDeniedError, match="the West Midlands region"):
        store.add_link(register, link(100000, 100001), west_midlands, known_urns=KNOWN)  # London
    store.add_link(register, link(100000, 100001), NATIONAL_USER, known_urns=KNOWN)


def test_links_across_a_boundary_are_listed_for_both_councils(register):
    store.add_link(register, link(PERSHORE, BHAM_A), NATIONAL_USER, known_urns=KNOWN)
    store.add_link(register, link(BHAM_A, BHAM_B), NATIONAL_USER, known_urns=KNOWN)
    links_df = queries.list_links(register)
    worcs = scope.links_in_scope(links_df, WORCS)
    bham = scope.links_in_scope(links_df, BOB_BHAM.scope)
    assert len(worcs) == 3  # two press links (Worcestershire schools) and the one across
    assert len(bham) == 2
    assert set(worcs["link_id"]) & set(bham["link_id"]) == {links_df["link_id"].max() - 1}


def test_accounts_carry_their_scope_through_sign_in(register):
    accounts.create_user(register, "Cara", "a-long-password", role=CABINET, scope=WORCS)
    assert accounts.authenticate(register, "cara", "a-long-password").scope == WORCS
    token = sessions.start_session(register, "cara", hours=1)
    accounts.set_scope(register, "cara", Scope(("Birmingham",)))
    assert sessions.session_user(register, token).scope.home_la == "Birmingham"


@pytest.mark.parametrize(
    ("given", "message"),
    [(Scope(("Worcestershir",)), "Not an LA or region.*Worcestershir"), (Scope(), "needs a scope")],
)
def test_a_scope_naming_no_known_council_is_refused(register, given, message):
    with pytest.raises(accounts.AccountError, match=message):
        accounts.create_user(register, "dan", "a-long-password", role=OFFICER, scope=given)


def test_the_accounts_command_takes_a_scope(register_url, monkeypatch, capsys):
    monkeypatch.setattr("getpass.getpass", lambda _prompt: "a-long-password")
    args = ["--database-url", register_url, "add", "eve", "--role", "officer"]
    assert accounts.main([*args, "--la", "Worcestershire", "--la", "Birmingham"]) == 0
    assert "acting for Worcestershire and Birmingham" in capsys.readouterr().out
    assert accounts.main(["--database-url", register_url, "add", "fay", "--role", "cabinet"]) == 1
    assert "needs a scope" in capsys.readouterr().err
    assert accounts.main(["--database-url", register_url, "set-scope", "eve", "--england"]) == 0
    engine = register_engine.open_register(register_url)
    assert accounts.authenticate(engine, "eve", "a-long-password").scope == NATIONAL
    engine.dispose()


def test_single_sign_on_scope_comes_from_the_entry_the_token_or_the_default():
    allow = {"officer": ["ann@worcs.gov.uk=Worcestershire;region:North East"]}
    ann = auth.user_from_claims({"email": "ann@worcs.gov.uk"}, allow)
    assert ann.scope == Scope(("Worcestershire",), ("North East",))
    claims = {"email": "bob@bham.gov.uk", "roles": ["officer"]}
    bob = auth.user_from_claims(claims, {}, default_scope=Scope(("Birmingham",)))
    assert bob.scope.label == "Birmingham"


def test_the_migration_keeps_accounts_and_links_and_gives_them_all_of_england(register_url):
    engine = register_engine.create_register_engine(register_url)
    config = register_engine._alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
        connection.execute(
            sa.text(
                "INSERT INTO users (username, display_name, role, password_hash, created_at) "
                "VALUES ('old', 'Old Officer', 'officer', 'x', CURRENT_TIMESTAMP)"
            )
        )
    assert not register_engine.schema_is_current(engine)
    register_engine.upgrade_schema(engine)
    assert register_engine.schema_is_current(engine)
    with engine.connect() as connection:
        row = connection.execute(sa.select(users_table)).one()
    assert (row.username, row.role, row.scope) == ("old", "officer", "england")
    assert len(queries.list_links(engine)) == 2
    engine.dispose()


def test_servers_starting_together_migrate_once(postgres_admin_url):
    """Four servers' start-ups at once on a new PostgreSQL register: one migrates, all succeed."""
    name = f"atlas_together_{uuid.uuid4().hex[:8]}"
    url = postgres_server.create_database(postgres_admin_url, name)
    errors: list[BaseException] = []

    def start() -> None:
        try:
            register_engine.open_register(url).dispose()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    engine = register_engine.create_register_engine(url)
    assert len(queries.list_links(engine)) == 2  # the seed migration ran exactly once
    engine.dispose()


def test_a_server_that_does_not_migrate_waits_for_the_migration_step(register_url, monkeypatch):
    monkeypatch.setenv("ATLAS_MIGRATE_ON_START", "0")
    engine = register_engine.open_register(register_url)
    assert not register_engine.schema_is_current(engine)
    assert register_engine.main(["--database-url", register_url]) == 0
    assert register_engine.schema_is_current(engine)
    engine.dispose()


def open_as(user: User, path: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    sign_in(at, user)
    at.run()
    return at.switch_page(path).run()


def test_a_cabinet_member_opens_on_their_own_la():
    at = open_as(User("cara", CABINET, scope=Scope(("Birmingham",))), "pages/summary.py")
    assert at.selectbox(key="summary_la").value == "Birmingham"
    at = open_as(User("cara", CABINET, scope=Scope(("Birmingham",))), "pages/map.py")
    assert at.multiselect(key="map_la").value == ["Birmingham"]


def test_the_register_page_lists_the_links_of_the_officers_councils():
    at = open_as(BOB_BHAM, "pages/register.py")
    assert not at.exception
    counts = [m.value for m in at.markdown if "links**" in m.value]
    assert counts
    assert counts[0].startswith("**0 of 0 links** touching a school in Birmingham")

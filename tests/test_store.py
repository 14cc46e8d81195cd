"""The link register on SQLite and on a real PostgreSQL server (issue #4)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.register import engine as register_engine
from dashboard.register import queries, store
from dashboard.register.auth import CABINET, OFFICER, PUBLIC, SCHOOL, PermissionDeniedError, User
from dashboard.register.store import ConflictError, LinkInput, RegisterError
from tests.conftest import ROOT

OFFICER_ANN = User("ann", OFFICER, "Ann Officer")
OFFICER_BEN = User("ben", OFFICER, "Ben Officer")
KNOWN = frozenset(range(100_000, 160_000))
PAIR = LinkInput(136925, 116859, link_types=("ethnicity",), status="active")


def test_new_register_starts_with_the_two_press_links(register):
    links = queries.list_links(register)
    assert sorted(links["school_urn"]) == [116859, 136925]
    assert set(links["partner_country"]) == {"Zambia", "India"}
    assert links["start_date"].isna().all()
    assert links["notes"].str.contains("not reported").all()


def test_add_and_read_back_a_link(register):
    stored = store.add_link(register, PAIR, OFFICER_ANN, known_urns=KNOWN)
    again = queries.get_link(register, stored.link_id)
    assert again.link_types == ("ethnicity",)
    assert (again.version, again.created_by) == (1, "ann")


@pytest.mark.parametrize(
    ("link", "message"),
    [
        (LinkInput(136925, 136925, link_types=("faith",)), "linked to itself"),
        (LinkInput(136925, 999, link_types=("faith",)), "(?i)unknown partner URN 999"),
        (LinkInput(136925, 116859), "at least one link type"),
        (
            LinkInput(
                136925,
                116859,
                link_types=("faith",),
                start_date=date(2026, 9, 1),
                end_date=date(2026, 1, 1),
            ),
            "before start date",
        ),
        (LinkInput(136925, link_types=("international",), partner_name="X"), "country"),
    ],
)
def test_invalid_links_are_refused_with_a_reason(register, link, message):
    with pytest.raises(RegisterError, match=message):
        store.add_link(register, link, OFFICER_ANN, known_urns=KNOWN)
    assert len(queries.list_links(register)) == 2


def test_the_same_pair_cannot_be_linked_twice_in_either_order(register):
    store.add_link(register, PAIR, OFFICER_ANN, known_urns=KNOWN)
    reverse = LinkInput(116859, 136925, link_types=("faith",))
    with pytest.raises(RegisterError, match="already linked"):
        store.add_link(register, reverse, OFFICER_ANN, known_urns=KNOWN)


def test_edit_records_old_and_new_values_in_the_audit_log(register):
    link = store.add_link(register, PAIR, OFFICER_ANN, known_urns=KNOWN)
    edited = LinkInput(
        136925, 116859, link_types=("ethnicity", "faith"), status="active", meetings_this_year=2
    )
    saved = store.update_link(
        register, link.link_id, edited, OFFICER_BEN, expected_version=1, known_urns=KNOWN
    )
    log = queries.audit_log(register, link.link_id)
    change = log[(log["action"] == "update") & (log["field"] == "meetings_this_year")].iloc[0]
    assert saved.version == 2
    assert (change["changed_by"], change["old_value"], change["new_value"]) == ("ben", "0", "2")


def test_second_save_from_a_stale_copy_is_refused_and_shows_both_versions(register):
    link = store.add_link(register, PAIR, OFFICER_ANN, known_urns=KNOWN)
    ann = LinkInput(**{**PAIR.__dict__, "notes": "Ann's visit plan"})
    ben = LinkInput(**{**PAIR.__dict__, "notes": "Ben's plan"})
    store.update_link(
        register, link.link_id, ann, OFFICER_ANN, expected_version=1, known_urns=KNOWN
    )
    with pytest.raises(ConflictError, match="changed by someone else") as conflict:
        store.update_link(
            register, link.link_id, ben, OFFICER_BEN, expected_version=1, known_urns=KNOWN
        )
    assert conflict.value.current.notes == "Ann's visit plan"
    assert queries.get_link(register, link.link_id).notes == "Ann's visit plan"


def test_ending_a_link_keeps_it_with_its_end_date(register):
    link = store.add_link(register, PAIR, OFFICER_ANN, known_urns=KNOWN)
    ended = store.end_link(
        register,
        link.link_id,
        OFFICER_ANN,
        expected_version=1,
        end_date=date(2026, 7, 20),
        known_urns=KNOWN,
    )
    assert (ended.status, ended.end_date) == ("ended", date(2026, 7, 20))
    assert "end" in set(queries.audit_log(register, link.link_id)["action"])


@pytest.mark.parametrize("role", [CABINET, SCHOOL, PUBLIC])
def test_only_officers_may_write(register, role):
    """Regression for issue #7: the write functions refuse, whatever the page shows."""
    actor = User("someone", role)
    with pytest.raises(PermissionDeniedError):
        store.add_link(register, PAIR, actor, known_urns=KNOWN)
    link = store.add_link(register, PAIR, OFFICER_ANN, known_urns=KNOWN)
    with pytest.raises(PermissionDeniedError):
        store.update_link(register, link.link_id, PAIR, actor, expected_version=1, known_urns=KNOWN)
    with pytest.raises(PermissionDeniedError):
        store.end_link(
            register,
            link.link_id,
            actor,
            expected_version=1,
            end_date=date(2026, 1, 1),
            known_urns=KNOWN,
        )


def test_a_batch_with_one_bad_link_writes_nothing(register):
    batch = [LinkInput(100_000 + i, 110_000 + i, link_types=("other",)) for i in range(50)]
    batch.append(LinkInput(100_000, 100_000, link_types=("other",)))
    with pytest.raises(RegisterError, match="Link 51"):
        store.add_links(register, batch, OFFICER_ANN, known_urns=KNOWN, source="test")
    assert len(queries.list_links(register)) == 2


def test_two_officers_making_200_edits_each_lose_nothing(register):
    """Concurrent read-modify-write with retries: every increment lands exactly once."""
    link = store.add_link(register, PAIR, OFFICER_ANN, known_urns=KNOWN)
    conflicts = {"ann": 0, "ben": 0}

    def editor(user: User) -> None:
        for _ in range(200):
            while True:
                current = queries.get_link(register, link.link_id)
                time.sleep(0.0005)  # give the other officer a chance to save in between
                wanted = LinkInput(
                    **{**PAIR.__dict__, "meetings_this_year": current.meetings_this_year + 1}
                )
                try:
                    store.update_link(
                        register,
                        link.link_id,
                        wanted,
                        user,
                        expected_version=current.version,
                        known_urns=KNOWN,
                    )
                    break
                except ConflictError:
                    conflicts[user.username] += 1

    threads = [threading.Thread(target=editor, args=(u,)) for u in (OFFICER_ANN, OFFICER_BEN)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = queries.get_link(register, link.link_id)
    assert final.meetings_this_year == 400
    assert final.version == 401  # every refused save was retried, none was lost


SLOW_IMPORT = """
import sys, time
from pathlib import Path
from dashboard.register import model, store
from dashboard.register.auth import User
from dashboard.register.engine import open_register
url, flag = sys.argv[1], Path(sys.argv[2])
engine = open_register(url)
links = [model.LinkInput(100000 + i, 130000 + i, link_types=("other",)) for i in range(3000)]
def progress(done, total):  # called after each chunk of 1,000 links
    if done == 1000:
        flag.write_text("half way")
    if done >= 1000:
        time.sleep(2)  # the parent kills this process here, before the commit
store.add_links(engine, links, User("ann", "officer"), known_urns=range(100000, 160000),
                source="test", progress=progress)
"""


def test_a_process_killed_mid_import_leaves_the_register_as_it_was(
    register, register_url, tmp_path
):
    before = queries.list_links(register)
    flag = tmp_path / "flag"
    child = subprocess.Popen(
        [sys.executable, "-c", SLOW_IMPORT, register_url, str(flag)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 60
    while not flag.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert flag.exists(), "the import never got half way"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    after = queries.list_links(register_engine.open_register(register_url))
    pd.testing.assert_frame_equal(after, before)


def test_schema_is_managed_by_alembic(register):
    with register.connect() as connection:
        version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(register_engine.MIGRATIONS_DIR))
    assert version == ScriptDirectory.from_config(config).get_current_head()

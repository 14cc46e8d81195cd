"""Signed-in sessions in the register, on SQLite and PostgreSQL (issue #10)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from dashboard import config
from dashboard.register import accounts, model, sessions, sign_in_limits

PASSWORD = "a long enough secret"
START = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def ann(register):
    accounts.create_user(register, "ann", PASSWORD, role="officer", display_name="Ann")
    return register


def test_a_session_finds_its_account_until_it_expires(ann):
    token = sessions.start_session(ann, "ann", hours=8, now=START)
    assert sessions.session_user(ann, token, now=START + timedelta(hours=7, minutes=59)).role == (
        "officer"
    )
    assert sessions.session_user(ann, token, now=START + timedelta(hours=8)) is None


def test_only_a_hash_of_the_token_is_stored(ann):
    token = sessions.start_session(ann, "ann", hours=8)
    with ann.connect() as connection:
        stored = connection.execute(sa.select(model.sessions_table.c.token_hash)).scalar_one()
    assert stored == sessions.token_hash(token)
    assert token not in stored


def test_signing_out_ends_that_session_only(ann):
    first = sessions.start_session(ann, "ann", hours=8)
    second = sessions.start_session(ann, "ann", hours=8)
    sessions.end_session(ann, first)
    assert sessions.session_user(ann, first) is None
    assert sessions.session_user(ann, second).username == "ann"


def test_a_role_change_applies_to_open_sessions_at_once(ann):
    token = sessions.start_session(ann, "ann", hours=8)
    accounts.set_role(ann, "ann", "cabinet")
    assert sessions.session_user(ann, token).role == "cabinet"


def test_a_removed_account_is_signed_out_everywhere(ann):
    tokens = [sessions.start_session(ann, "ann", hours=8) for _ in range(2)]
    assert accounts.remove_user(ann, "ann") == 2
    assert [sessions.session_user(ann, t) for t in tokens] == [None, None]


def test_end_every_session_of_an_account(ann):
    tokens = [sessions.start_session(ann, "ann", hours=8) for _ in range(3)]
    assert sessions.end_all_sessions(ann, "Ann") == 3
    assert all(sessions.session_user(ann, t) is None for t in tokens)
    assert sessions.signed_out_after(ann, "ann") is not None


@pytest.mark.parametrize("tampered", ["", "x", "not-a-token", "A" * 43])
def test_a_made_up_or_tampered_token_finds_nobody(ann, tampered):
    token = sessions.start_session(ann, "ann", hours=8)
    assert sessions.session_user(ann, tampered) is None
    assert sessions.session_user(ann, token[:-1] + ("A" if token[-1] != "A" else "B")) is None


def test_every_server_gets_the_same_signing_key(register_url, register):
    key = sessions.signing_key(register)
    other_server = sa.create_engine(register_url)
    assert sessions.signing_key(other_server) == key
    assert sessions.signing_key(register, "configured") == "configured"
    other_server.dispose()


def test_failed_sign_ins_are_counted_per_account_and_address(register):
    keys = sign_in_limits.failure_keys("ann", "192.0.2.7")
    for _ in range(5):
        sign_in_limits.record_failure(register, keys, now=START)
    assert sign_in_limits.recent_failures(register, keys, now=START) == 5
    other_address = sign_in_limits.failure_keys("ann", "198.51.100.1")
    assert sign_in_limits.recent_failures(register, other_address, now=START) == 5  # the account
    stranger = sign_in_limits.failure_keys("bob", "192.0.2.7")
    assert sign_in_limits.recent_failures(register, stranger, now=START) == 5  # the address
    later = START + timedelta(minutes=16)
    assert sign_in_limits.recent_failures(register, keys, now=later) == 0


def test_a_success_clears_the_account_but_not_the_address(register):
    keys = sign_in_limits.failure_keys("ann", "192.0.2.7")
    sign_in_limits.record_failure(register, keys)
    sign_in_limits.clear_failures(register, keys[0])
    assert sign_in_limits.recent_failures(register, keys[:1]) == 0
    assert sign_in_limits.recent_failures(register, keys[1:]) == 1


def test_sessions_finished_long_ago_go_at_the_next_sign_in(ann):
    days = timedelta(days=config.SESSION_RECORD_DAYS)
    old = sessions.start_session(ann, "ann", hours=8, now=START - days - timedelta(days=1))
    recent = sessions.start_session(ann, "ann", hours=8, now=START - timedelta(days=1))
    sessions.start_session(ann, "ann", hours=8, now=START)
    with ann.connect() as connection:
        kept = set(connection.execute(sa.select(model.sessions_table.c.token_hash)).scalars())
    assert sessions.token_hash(old) not in kept
    assert sessions.token_hash(recent) in kept
    assert len(kept) == 2

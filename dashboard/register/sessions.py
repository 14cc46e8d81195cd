"""Signed-in sessions kept in the register's database, so every app server sees the same ones.

A session is a random token (256 bits from :mod:`secrets`) given to the browser
once, inside a signed cookie; the database keeps only its SHA-256. Every
interaction looks the token up again, joined to the account, so signing out,
removing an account or changing its role takes effect at once, on every
server. Sessions last :data:`dashboard.config.SESSION_HOURS` unless ended.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from dashboard import config
from dashboard.register.auth import User
from dashboard.register.model import (
    session_cutoffs_table,
    sessions_table,
    settings_table,
    users_table,
)
from dashboard.register.scope import Scope

SIGNING_KEY_SETTING = "session_signing_key"


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    """SQLite hands back datetimes without a zone; they were stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def token_hash(token: str) -> str:
    """The SHA-256 of a session token, as stored (the token itself never is).

    Examples
    --------
    >>> token_hash("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(
    engine: sa.Engine,
    username: str,
    *,
    hours: float,
    client: str | None = None,
    now: datetime | None = None,
) -> str:
    """Start a session for an account; returns the token to give the browser (once).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    username : str
        A local account.
    hours : float
        How long the session lasts.
    client : str or None
        The browser's address, recorded for the account's owner to see.
    now : datetime or None
        The time (for tests).

    Returns
    -------
    str
        The session token.
    """
    token = secrets.token_urlsafe(32)
    started = now or _now()
    with engine.begin() as connection:
        _purge(connection, username, started)
        connection.execute(
            sessions_table.insert().values(
                token_hash=token_hash(token),
                username=username,
                created_at=started,
                expires_at=started + timedelta(hours=hours),
                client=(client or "")[:64] or None,
            )
        )
    return token


def session_user(engine: sa.Engine, token: str, *, now: datetime | None = None) -> User | None:
    """The account a token belongs to now, or None if the session is over or unknown.

    The account is read afresh, so a role changed on the server applies at once
    and a removed account signs its sessions out.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    token : str
        From the browser's cookie.
    now : datetime or None
        The time (for tests).

    Returns
    -------
    User or None
    """
    query = (
        sa.select(sessions_table.c.expires_at, sessions_table.c.ended_at, users_table)
        .join(users_table, users_table.c.username == sessions_table.c.username)
        .where(sessions_table.c.token_hash == token_hash(token))
    )
    with engine.connect() as connection:
        row = connection.execute(query).first()
    if row is None or row.ended_at is not None or _aware(row.expires_at) <= (now or _now()):
        return None
    return User(row.username, row.role, row.display_name, row.school_urn, Scope.parse(row.scope))


def end_session(engine: sa.Engine, token: str) -> None:
    """Sign a session out (it stays in the table, marked ended, for the record).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    token : str
        The session's token.
    """
    with engine.begin() as connection:
        connection.execute(
            sessions_table.update()
            .where(sessions_table.c.token_hash == token_hash(token))
            .where(sessions_table.c.ended_at.is_(None))
            .values(ended_at=_now())
        )


def end_all_sessions(engine: sa.Engine, username: str) -> int:
    """Sign an account out everywhere: its local sessions and its single sign-on ones.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    username : str
        A local account name or a single sign-on e-mail address.

    Returns
    -------
    int
        How many local sessions were still open.
    """
    name = username.strip().lower()
    when = _now()
    with engine.begin() as connection:
        ended = connection.execute(
            sessions_table.update()
            .where(sessions_table.c.username == name, sessions_table.c.ended_at.is_(None))
            .values(ended_at=when)
        ).rowcount
        cutoffs = session_cutoffs_table
        connection.execute(cutoffs.delete().where(cutoffs.c.username == name))
        connection.execute(cutoffs.insert().values(username=name, ended_at=when))
    return int(ended)


def signed_out_after(engine: sa.Engine, username: str) -> datetime | None:
    """When the account was last signed out everywhere (for single sign-on), or None.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    username : str
        The e-mail address of a single sign-on user.

    Returns
    -------
    datetime or None
    """
    with engine.connect() as connection:
        when = connection.execute(
            sa.select(session_cutoffs_table.c.ended_at).where(
                session_cutoffs_table.c.username == username.strip().lower()
            )
        ).scalar()
    return None if when is None else _aware(when)


def signing_key(engine: sa.Engine, configured: str | None = None) -> str:
    """The key that signs session cookies: the configured one, else one shared in the database.

    Without a configured key, the first server to ask creates a random one and
    stores it; every other server then reads the same key, so a browser signed
    in on one server is signed in on all.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    configured : str or None
        A key from the deployment's settings.

    Returns
    -------
    str
    """
    if configured:
        return configured
    select = sa.select(settings_table.c.value).where(settings_table.c.name == SIGNING_KEY_SETTING)
    with engine.connect() as connection:
        found = connection.execute(select).scalar()
    if found:
        return found
    try:
        with engine.begin() as connection:
            connection.execute(
                settings_table.insert().values(
                    name=SIGNING_KEY_SETTING, value=secrets.token_hex(32)
                )
            )
    except sa.exc.IntegrityError:
        pass  # another server stored one first: use theirs
    with engine.connect() as connection:
        return connection.execute(select).scalar_one()


def _purge(connection: sa.Connection, username: str, now: datetime) -> None:
    """Forget the account's sessions that finished over SESSION_RECORD_DAYS ago."""
    cutoff = now - timedelta(days=config.SESSION_RECORD_DAYS)
    finished = sa.or_(sessions_table.c.expires_at < cutoff, sessions_table.c.ended_at < cutoff)
    connection.execute(
        sessions_table.delete().where(sessions_table.c.username == username, finished)
    )

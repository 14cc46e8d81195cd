"""Failed sign-ins counted on the server, per account and per client address, with growing waits.

The counts live in the register's database, so they hold across app servers and
a new browser tab does not reset them. The same rule applies whether or not the
account exists, so the answer never tells an attacker which names are real.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from dashboard import config
from dashboard.register.model import sign_in_failures_table

KEY_LENGTH = 400


def failure_keys(username: str, client: str | None) -> list[str]:
    """What a failed sign-in counts against: the typed account name and the client address.

    Examples
    --------
    >>> failure_keys(" Ann ", "192.0.2.7")
    ['user:ann', 'client:192.0.2.7']
    """
    keys = [f"user:{username.strip().lower()}"[:KEY_LENGTH]]
    if client:
        keys.append(f"client:{client}"[:KEY_LENGTH])
    return keys


def wait_seconds(failures: int) -> float:
    """How long to wait before the next attempt after ``failures`` recent failures.

    The first :data:`dashboard.config.SIGN_IN_FREE_ATTEMPTS` failures cost nothing;
    after them each attempt waits twice as long as the last, from one second up to
    :data:`dashboard.config.SIGN_IN_MAX_WAIT_S`.

    Examples
    --------
    >>> [wait_seconds(n) for n in (0, 2, 3, 4, 5, 20)]
    [0.0, 0.0, 1.0, 2.0, 4.0, 30.0]
    """
    extra = failures - config.SIGN_IN_FREE_ATTEMPTS
    if extra < 0:
        return 0.0
    return float(min(2**extra, config.SIGN_IN_MAX_WAIT_S))


def recent_failures(engine: sa.Engine, keys: Sequence[str], *, now: datetime | None = None) -> int:
    """The most failures any of ``keys`` has within the counting window.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    keys : sequence of str
        From :func:`failure_keys`.
    now : datetime or None
        The time (for tests).

    Returns
    -------
    int
    """
    since = (now or datetime.now(UTC)) - timedelta(minutes=config.SIGN_IN_WINDOW_MINUTES)
    table = sign_in_failures_table
    with engine.connect() as connection:
        found = connection.execute(
            sa.select(sa.func.max(table.c.failures)).where(
                table.c.key.in_(list(keys)), table.c.last_failed_at >= since
            )
        ).scalar()
    return int(found or 0)


def record_failure(engine: sa.Engine, keys: Sequence[str], *, now: datetime | None = None) -> None:
    """Count one failed sign-in against every key (a count older than the window restarts).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    keys : sequence of str
        From :func:`failure_keys`.
    now : datetime or None
        The time (for tests).
    """
    when = now or datetime.now(UTC)
    since = when - timedelta(minutes=config.SIGN_IN_WINDOW_MINUTES)
    table = sign_in_failures_table
    with engine.begin() as connection:
        for key in keys:
            updated = connection.execute(
                table.update()
                .where(table.c.key == key)
                .values(
                    failures=sa.case(
                        (table.c.last_failed_at < since, 1), else_=table.c.failures + 1
                    ),
                    last_failed_at=when,
                )
            ).rowcount
            if not updated:
                try:
                    with connection.begin_nested():
                        connection.execute(
                            table.insert().values(key=key, failures=1, last_failed_at=when)
                        )
                except sa.exc.IntegrityError:  # another server inserted it first
                    connection.execute(
                        table.update()
                        .where(table.c.key == key)
                        .values(failures=table.c.failures + 1, last_failed_at=when)
                    )


def clear_failures(engine: sa.Engine, key: str) -> None:
    """Forget an account's failures after it signs in (its address keeps its count).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    key : str
        A ``user:`` key from :func:`failure_keys`.
    """
    with engine.begin() as connection:
        connection.execute(
            sign_in_failures_table.delete().where(sign_in_failures_table.c.key == key)
        )

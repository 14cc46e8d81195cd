"""Local accounts for councils without a single sign-on provider, and the accounts command.

Passwords are stored only as Argon2id hashes (argon2-cffi) in the register's
``users`` table; none is ever committed. Create accounts from a shell on the
server, e.g.::

    .venv/bin/python -m dashboard.register.accounts add alice --role officer --name "Alice Smith"

(the password is asked for, not passed on the command line).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime

import sqlalchemy as sa

from dashboard.register import auth, sessions
from dashboard.register.auth import User
from dashboard.register.engine import open_register
from dashboard.register.model import users_table


class AccountError(ValueError):
    """An account cannot be created or changed; the message says why."""


def create_user(
    engine: sa.Engine,
    username: str,
    password: str,
    *,
    role: str,
    display_name: str = "",
    school_urn: int | None = None,
) -> User:
    """Add a local account.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    username : str
        Sign-in name (letters, digits, dots, dashes; stored lower case).
    password : str
        At least 10 characters; only its hash is stored.
    role : str
        One of :data:`dashboard.register.auth.ROLES`.
    display_name : str
        Name shown in the app and the audit log.
    school_urn : int or None
        For a school account: the school it belongs to.

    Returns
    -------
    User

    Raises
    ------
    AccountError
        For a taken or malformed username, a short password or an unknown role.
    """
    name = username.strip().lower()
    if not name or not all(c.isalnum() or c in "._-@" for c in name):
        raise AccountError("A username may use letters, digits, dots, dashes and @ only.")
    if role not in auth.ROLES:
        raise AccountError(f"Unknown role {role!r}; use one of {', '.join(auth.ROLES)}.")
    if role == auth.SCHOOL and school_urn is None:
        raise AccountError("A school account needs the school's URN.")
    try:
        password_hash = auth.hash_password(password)
    except ValueError as exc:
        raise AccountError(str(exc).capitalize() + ".") from exc
    with engine.begin() as connection:
        taken = connection.execute(
            sa.select(users_table.c.username).where(users_table.c.username == name)
        ).first()
        if taken:
            raise AccountError(f"The username {name!r} is taken.")
        connection.execute(
            users_table.insert().values(
                username=name,
                display_name=display_name or name,
                role=role,
                school_urn=school_urn,
                password_hash=password_hash,
                created_at=datetime.now(UTC),
            )
        )
    return User(name, role, display_name or name, school_urn)


def authenticate(engine: sa.Engine, username: str, password: str) -> User | None:
    """The user if ``password`` is right for ``username``, else None.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    username, password : str
        What was typed.

    Returns
    -------
    User or None
    """
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(users_table).where(users_table.c.username == username.strip().lower())
        ).first()
    if row is None:
        # Hash anyway so a wrong username takes as long as a wrong password.
        auth.verify_password(_DUMMY_HASH, password)
        return None
    if not auth.verify_password(row.password_hash, password):
        return None
    return User(row.username, row.role, row.display_name, row.school_urn)


_DUMMY_HASH = auth.hash_password("not-a-real-password")


def set_role(engine: sa.Engine, username: str, role: str, *, school_urn: int | None = None) -> None:
    """Change an account's role; its open sessions get the new rights at their next click.

    Raises
    ------
    AccountError
        For an unknown account or role, or a school account without a URN.
    """
    if role not in auth.ROLES:
        raise AccountError(f"Unknown role {role!r}; use one of {', '.join(auth.ROLES)}.")
    if role == auth.SCHOOL and school_urn is None:
        raise AccountError("A school account needs the school's URN.")
    with engine.begin() as connection:
        changed = connection.execute(
            users_table.update()
            .where(users_table.c.username == username.strip().lower())
            .values(role=role, school_urn=school_urn)
        ).rowcount
    if not changed:
        raise AccountError(f"There is no account {username!r}.")


def remove_user(engine: sa.Engine, username: str) -> int:
    """Delete an account and end its sessions (they sign out at their next click).

    Returns
    -------
    int
        How many sessions were still open.

    Raises
    ------
    AccountError
        For an unknown account.
    """
    name = username.strip().lower()
    ended = sessions.end_all_sessions(engine, name)
    with engine.begin() as connection:
        removed = connection.execute(
            users_table.delete().where(users_table.c.username == name)
        ).rowcount
    if not removed:
        raise AccountError(f"There is no account {username!r}.")
    return ended


def main(argv: list[str] | None = None) -> int:
    """``python -m dashboard.register.accounts COMMAND ...``: manage local accounts."""
    parser = argparse.ArgumentParser(description="Manage local accounts of the atlas.")
    parser.add_argument("--database-url", default=None)
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="create an account (asks for the password)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=auth.ROLES)
    add.add_argument("--name", default="", help="name shown in the app")
    add.add_argument("--school-urn", type=int, default=None)
    role = sub.add_parser("set-role", help="change an account's role")
    role.add_argument("username")
    role.add_argument("role", choices=auth.ROLES)
    role.add_argument("--school-urn", type=int, default=None)
    remove = sub.add_parser("remove", help="delete an account and end its sessions")
    remove.add_argument("username")
    end = sub.add_parser(
        "end-sessions", help="sign an account (local or single sign-on) out everywhere"
    )
    end.add_argument("username")
    args = parser.parse_args(argv)
    engine = open_register(args.database_url)
    try:
        if args.command == "add":
            return _add(engine, args)
        if args.command == "set-role":
            set_role(engine, args.username, args.role, school_urn=args.school_urn)
            print(f"{args.username} is now: {auth.ROLE_LABELS[args.role]}.")
        elif args.command == "remove":
            ended = remove_user(engine, args.username)
            print(f"Removed {args.username}; {ended} open session(s) ended.")
        else:
            ended = sessions.end_all_sessions(engine, args.username)
            print(f"Signed {args.username} out everywhere ({ended} local session(s) ended).")
    except AccountError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def _add(engine: sa.Engine, args: argparse.Namespace) -> int:
    password = getpass.getpass("Password (10+ characters): ")
    if password != getpass.getpass("Same password again: "):
        print("The passwords differ; nothing was created.", file=sys.stderr)
        return 1
    user = create_user(
        engine,
        args.username,
        password,
        role=args.role,
        display_name=args.name,
        school_urn=args.school_urn,
    )
    print(f"Created {user.username} ({auth.ROLE_LABELS[user.role]}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

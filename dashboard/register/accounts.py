"""Local accounts for councils without a single sign-on provider, and the accounts command.

Passwords are stored only as Argon2id hashes (argon2-cffi) in the register's
``users`` table; none is ever committed. Create accounts from a shell on the
server, e.g.::

    .venv/bin/python -m dashboard.register.accounts add alice --role officer \
        --name "Alice Smith" --la Worcestershire

(the password is asked for, not passed on the command line). Officers and
cabinet members need a council scope: ``--la`` (repeatable), ``--region`` or
``--england``; ``set-scope`` changes it later.
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
from dashboard.register.scope import NATIONAL, NOWHERE, Scope, ScopeError, check_names


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
    scope: Scope = NATIONAL,
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
    scope : Scope
        Where an officer or cabinet member acts (schools and the public have none).

    Returns
    -------
    User

    Raises
    ------
    AccountError
        For a taken or malformed username, a short password, an unknown role, or
        a scope naming an LA or region the atlas does not know.
    """
    name = username.strip().lower()
    if not name or not all(c.isalnum() or c in "._-@" for c in name):
        raise AccountError("A username may use letters, digits, dots, dashes and @ only.")
    if role not in auth.ROLES:
        raise AccountError(f"Unknown role {role!r}; use one of {', '.join(auth.ROLES)}.")
    if role == auth.SCHOOL and school_urn is None:
        raise AccountError("A school account needs the school's URN.")
    scope = _checked_scope(role, scope)
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
                scope=scope.text(),
            )
        )
    return User(name, role, display_name or name, school_urn, scope)


def _checked_scope(role: str, scope: Scope) -> Scope:
    """The scope to store: checked names for officers and cabinet members, none for others."""
    if role not in (auth.OFFICER, auth.CABINET):
        return NOWHERE
    if scope.is_empty:
        raise AccountError(
            "An officer or cabinet member needs a scope: an LA, a region or England."
        )
    try:
        return check_names(scope)
    except ScopeError as exc:
        raise AccountError(str(exc)) from exc


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
    return User(row.username, row.role, row.display_name, row.school_urn, Scope.parse(row.scope))


_DUMMY_HASH = auth.hash_password("not-a-real-password")


def set_role(
    engine: sa.Engine,
    username: str,
    role: str,
    *,
    school_urn: int | None = None,
    scope: Scope | None = None,
) -> None:
    """Change an account's role; its open sessions get the new rights at their next click.

    ``scope``, when given, replaces the account's scope; otherwise it is kept.

    Raises
    ------
    AccountError
        For an unknown account or role, a school account without a URN, or an
        unknown LA or region.
    """
    if role not in auth.ROLES:
        raise AccountError(f"Unknown role {role!r}; use one of {', '.join(auth.ROLES)}.")
    if role == auth.SCHOOL and school_urn is None:
        raise AccountError("A school account needs the school's URN.")
    values: dict[str, object] = {"role": role, "school_urn": school_urn}
    if scope is not None:
        values["scope"] = _checked_scope(role, scope).text()
    with engine.begin() as connection:
        changed = connection.execute(
            users_table.update()
            .where(users_table.c.username == username.strip().lower())
            .values(**values)
        ).rowcount
    if not changed:
        raise AccountError(f"There is no account {username!r}.")


def set_scope(engine: sa.Engine, username: str, scope: Scope) -> None:
    """Change where an officer or cabinet member acts; applies at their next click.

    Raises
    ------
    AccountError
        For an unknown account, an account of another role, or an unknown LA or region.
    """
    name = username.strip().lower()
    with engine.begin() as connection:
        role = connection.execute(
            sa.select(users_table.c.role).where(users_table.c.username == name)
        ).scalar()
        if role is None:
            raise AccountError(f"There is no account {username!r}.")
        if role not in (auth.OFFICER, auth.CABINET):
            raise AccountError(
                f"{username} is a {auth.ROLE_LABELS[role].lower()}: it has no scope."
            )
        connection.execute(
            users_table.update()
            .where(users_table.c.username == name)
            .values(scope=_checked_scope(role, scope).text())
        )


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
    _scope_arguments(add)
    role = sub.add_parser("set-role", help="change an account's role")
    role.add_argument("username")
    role.add_argument("role", choices=auth.ROLES)
    role.add_argument("--school-urn", type=int, default=None)
    _scope_arguments(role)
    where = sub.add_parser("set-scope", help="change the councils an account acts for")
    where.add_argument("username")
    _scope_arguments(where)
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
            scope = _scope_of(args)
            set_role(
                engine,
                args.username,
                args.role,
                school_urn=args.school_urn,
                scope=None if scope.is_empty else scope,
            )
            print(f"{args.username} is now: {auth.ROLE_LABELS[args.role]}.")
        elif args.command == "set-scope":
            set_scope(engine, args.username, _scope_of(args))
            print(f"{args.username} now acts for {_scope_of(args).label}.")
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


def _scope_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--la", action="append", default=[], help="an LA the account acts for (repeatable)"
    )
    parser.add_argument(
        "--region", action="append", default=[], help="a whole region, e.g. 'West Midlands'"
    )
    parser.add_argument(
        "--england", action="store_true", help="all of England (a national administrator)"
    )


def _scope_of(args: argparse.Namespace) -> Scope:
    if args.england:
        return NATIONAL
    return Scope(tuple(dict.fromkeys(args.la)), tuple(dict.fromkeys(args.region)))


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
        scope=_scope_of(args),
    )
    where = f", acting for {user.scope.label}" if not user.scope.is_empty else ""
    print(f"Created {user.username} ({auth.ROLE_LABELS[user.role]}{where}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

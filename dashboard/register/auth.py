"""Who may do what: roles, council scope, the acting user, the officer check, password hashing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard.register.scope import NATIONAL, Scope

OFFICER = "officer"
CABINET = "cabinet"
SCHOOL = "school"
PUBLIC = "public"
ROLES = (OFFICER, CABINET, SCHOOL, PUBLIC)
ROLE_LABELS = {
    OFFICER: "Council officer",
    CABINET: "Cabinet member",
    SCHOOL: "School",
    PUBLIC: "Public (read only)",
}

_HASHER = PasswordHasher()


class PermissionDeniedError(PermissionError):
    """The acting user's role does not allow this action."""


@dataclass(frozen=True)
class User:
    """The person acting: a username (recorded in the audit log), a role and a council scope.

    A user built in code without a scope acts for all of England, as every
    account did before councils had scopes; accounts read from the register
    always carry the scope stored with them.
    """

    username: str
    role: str = PUBLIC
    display_name: str = ""
    school_urn: int | None = None
    scope: Scope = NATIONAL

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; expected one of {ROLES}")
        if not self.username.strip():
            raise ValueError("a user needs a username")

    @property
    def label(self) -> str:
        """Name to show: the display name, else the username."""
        return self.display_name or self.username


ANONYMOUS = User("public", PUBLIC, "Public visitor")


def require_officer(actor: User | None, action: str = "change the link register") -> User:
    """Return ``actor`` if it is a council officer, else refuse.

    Every function that writes the register calls this first: hiding a button
    in the page is not the safeguard.

    Parameters
    ----------
    actor : User or None
        Who is acting.
    action : str
        What they tried, for the message.

    Returns
    -------
    User
        The same actor.

    Raises
    ------
    PermissionDeniedError
        If ``actor`` is missing or not an officer.

    Examples
    --------
    >>> require_officer(User("ann", OFFICER)).username
    'ann'
    >>> require_officer(User("bob", CABINET))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dashboard.register.auth.PermissionDeniedError: Only council officers may ... cabinet member.
    """
    if actor is None or actor.role != OFFICER:
        who = (
            "not signed in"
            if actor is None or actor.role == PUBLIC
            else (f"signed in as a {ROLE_LABELS[actor.role].lower()}")
        )
        raise PermissionDeniedError(f"Only council officers may {action}; you are {who}.")
    return actor


def hash_password(password: str) -> str:
    """Hash a password with Argon2id (argon2-cffi's defaults).

    Parameters
    ----------
    password : str
        The plain password; at least 10 characters.

    Returns
    -------
    str
        The encoded hash, safe to store.

    Raises
    ------
    ValueError
        If the password is too short.
    """
    if len(password) < 10:
        raise ValueError("a password needs at least 10 characters")
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``; never raises on a bad hash.

    Parameters
    ----------
    password_hash : str
        From :func:`hash_password`.
    password : str
        What the user typed.

    Returns
    -------
    bool
    """
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def user_from_claims(
    claims: dict[str, object],
    allow_list: dict[str, list[str]] | None = None,
    *,
    claim: str = "roles",
    scope_claim: str = "atlas_scope",
    default_scope: Scope = NATIONAL,
) -> User:
    """The atlas user for someone signed in with OpenID Connect.

    The role comes from the council's allow-list (role -> e-mail addresses) in
    ``secrets.toml``, else from a ``roles`` claim in the identity token, else the
    person may only read what the public can. The scope comes from the
    allow-list entry (``address=Worcestershire;Birmingham``), else from the
    ``atlas_scope`` claim, else ``default_scope`` (``[scope] default`` in
    ``secrets.toml``; all of England when unset, as for a single council).

    Parameters
    ----------
    claims : dict
        ``st.user.to_dict()``: at least ``email``.
    allow_list : dict or None
        e.g. ``{"officer": ["ann@council.gov.uk=Worcestershire"], "cabinet": [...]}``;
        for schools, entries may be ``"head@school.org=136925"`` (address=URN).
    claim : str
        Name of the token claim holding roles.
    scope_claim : str
        Name of the token claim holding the scope (text, or a list of LAs).
    default_scope : Scope
        For an officer or cabinet member whose scope is given nowhere else.

    Returns
    -------
    User

    Examples
    --------
    >>> user_from_claims({"email": "Ann@Council.gov.uk", "name": "Ann"},
    ...                  {"officer": ["ann@council.gov.uk=Worcestershire"]}).scope.label
    'Worcestershire'
    >>> user_from_claims({"email": "head@school.org"},
    ...                  {"school": ["head@school.org=136925"]}).school_urn
    136925
    >>> user = user_from_claims({"email": "x@y.org", "roles": ["cabinet"],
    ...                          "atlas_scope": ["Birmingham"]})
    >>> user.role, user.scope.label
    ('cabinet', 'Birmingham')
    """
    email = str(claims.get("email") or claims.get("sub") or "unknown").lower()
    name = str(claims.get("name") or email)
    token_scope = claims.get(scope_claim)
    if isinstance(token_scope, list | tuple):
        token_scope = ";".join(str(part) for part in token_scope)
    fallback = Scope.parse(str(token_scope)) if token_scope else default_scope
    for role in (OFFICER, CABINET, SCHOOL):
        for entry in (allow_list or {}).get(role, []):
            address, _, extra = str(entry).partition("=")
            if address.strip().lower() != email:
                continue
            if role == SCHOOL:
                urn = extra.strip()
                digits = re.fullmatch(r"[0-9]{1,9}", urn)  # "²" is isdigit() but not a digit
                return User(email, role, name, int(urn) if digits else None)
            return User(email, role, name, scope=Scope.parse(extra) if extra.strip() else fallback)
    token_roles = claims.get(claim) or []
    if isinstance(token_roles, str):
        token_roles = [token_roles]
    for role in (OFFICER, CABINET):
        if role in token_roles:
            return User(email, role, name, scope=fallback)
    return User(email, PUBLIC, name)

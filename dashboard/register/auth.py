"""Who may do what: roles, the acting user, the officer check on writes, password hashing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

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
    """The person acting: a username (recorded in the audit log) and a role."""

    username: str
    role: str = PUBLIC
    display_name: str = ""
    school_urn: int | None = None

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
) -> User:
    """The atlas user for someone signed in with OpenID Connect.

    The role comes from the council's allow-list (role -> e-mail addresses) in
    ``secrets.toml``, else from a ``roles`` claim in the identity token, else the
    person may only read what the public can.

    Parameters
    ----------
    claims : dict
        ``st.user.to_dict()``: at least ``email``.
    allow_list : dict or None
        e.g. ``{"officer": ["ann@council.gov.uk"], "cabinet": [...]}``; for
        schools, entries may be ``"head@school.org=136925"`` (address=URN).
    claim : str
        Name of the token claim holding roles.

    Returns
    -------
    User

    Examples
    --------
    >>> user_from_claims({"email": "Ann@Council.gov.uk", "name": "Ann"},
    ...                  {"officer": ["ann@council.gov.uk"]}).role
    'officer'
    >>> user_from_claims({"email": "head@school.org"},
    ...                  {"school": ["head@school.org=136925"]}).school_urn
    136925
    >>> user_from_claims({"email": "x@y.org", "roles": ["cabinet"]}).role
    'cabinet'
    """
    email = str(claims.get("email") or claims.get("sub") or "unknown").lower()
    name = str(claims.get("name") or email)
    for role in (OFFICER, CABINET, SCHOOL):
        for entry in (allow_list or {}).get(role, []):
            address, _, urn = str(entry).lower().partition("=")
            if address.strip() == email:
                digits = re.fullmatch(r"[0-9]{1,9}", urn.strip())  # "²" is isdigit()
                return User(email, role, name, int(urn) if digits else None)
    token_roles = claims.get(claim) or []
    if isinstance(token_roles, str):
        token_roles = [token_roles]
    for role in (OFFICER, CABINET, SCHOOL):
        if role in token_roles and role != SCHOOL:
            return User(email, role, name)
    return User(email, PUBLIC, name)

"""Council scope: the local authorities an account acts for, and the check on every write.

One deployment may serve many councils. An officer or cabinet member belongs to
one or more LAs, to a whole region (a combined authority, a diocese) or to all
of England (a national linking charity, or a deployment for a single council
from before scopes existed). An officer may change only a link that touches a
school in their scope; a link across a boundary touches both councils, so
officers on either side may change it and both see it.

A scope is stored as text: ``england``, or parts separated by ``;`` (LA names
may hold commas, e.g. "Bristol, City of"): ``la:Worcestershire;region:North East``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from dashboard import config

if TYPE_CHECKING:
    from dashboard.register.auth import User

ENGLAND = "england"
_LA, _REGION = "la:", "region:"


class ScopeError(ValueError):
    """A scope names an LA or region the atlas does not know; the message says which."""


@dataclass(frozen=True)
class Scope:
    """Where an account acts: some LAs, some regions, or all of England (in the order given)."""

    las: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    england: bool = False

    @classmethod
    def parse(cls, text: str | None) -> Scope:
        """Read a stored scope; a bare name is an LA.

        Examples
        --------
        >>> Scope.parse("la:Worcestershire; Birmingham ;region:North East")
        Scope(las=('Worcestershire', 'Birmingham'), regions=('North East',), england=False)
        >>> Scope.parse("England").england, Scope.parse("").is_empty
        (True, True)
        """
        las: list[str] = []
        regions: list[str] = []
        for raw in (text or "").split(";"):
            part = raw.strip()
            if part.lower() == ENGLAND:
                return NATIONAL
            if part.lower().startswith(_REGION):
                regions.append(part[len(_REGION) :].strip())
            elif part:
                las.append(part.removeprefix(_LA).strip())
        return cls(tuple(dict.fromkeys(las)), tuple(dict.fromkeys(regions)))

    def text(self) -> str:
        """The stored form, read back by :meth:`parse`.

        Examples
        --------
        >>> Scope(("Worcestershire",), ("North East",)).text()
        'la:Worcestershire;region:North East'
        """
        if self.england:
            return ENGLAND
        return ";".join([*(_LA + la for la in self.las), *(_REGION + r for r in self.regions)])

    @property
    def is_empty(self) -> bool:
        """True when the account acts for nowhere (it may change no link)."""
        return not (self.england or self.las or self.regions)

    @property
    def label(self) -> str:
        """In words, for messages.

        Examples
        --------
        >>> Scope(("Worcestershire", "Birmingham")).label
        'Worcestershire and Birmingham'
        >>> NATIONAL.label, Scope(regions=("North East",)).label
        ('all of England', 'the North East region')
        """
        if self.england:
            return "all of England"
        names = [*self.las, *(f"the {r} region" for r in self.regions)]
        if not names:
            return "no council"
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    @property
    def home_la(self) -> str | None:
        """The LA an account's pages open on: the first one named, if any."""
        return self.las[0] if self.las else None

    def covers(self, la: str, region: str) -> bool:
        """True when a school in ``la`` (of ``region``) is in this scope."""
        return self.england or la in self.las or region in self.regions


NATIONAL = Scope(england=True)
NOWHERE = Scope()


@functools.cache
def school_areas(path: Path = config.SCHOOLS_FILE) -> Mapping[int, tuple[str, str]]:
    """Each school's LA and region, by URN, read once per process from the embedded data.

    The register layer reads this itself rather than trusting a caller's table,
    so no page can widen an officer's scope by passing the wrong one.

    Parameters
    ----------
    path : Path
        ``schools.parquet``.

    Returns
    -------
    Mapping
        URN -> (LA name, region name).
    """
    areas_df = pd.read_parquet(path, columns=["urn", "la_name", "region"])
    return {
        int(urn): (str(la), str(region))
        for urn, la, region in areas_df.itertuples(index=False, name=None)
    }


def touches(scope: Scope, urns: Iterable[int | None]) -> bool:
    """True when any of the schools (URNs; None for a school abroad) is in ``scope``.

    Examples
    --------
    >>> touches(Scope(("Worcestershire",)), [136925, None])
    True
    >>> touches(Scope(("Birmingham",)), [136925])
    False
    """
    if scope.england:
        return True
    areas = school_areas()
    return any(
        urn is not None and int(urn) in areas and scope.covers(*areas[int(urn)]) for urn in urns
    )


def places(urns: Iterable[int | None]) -> str:
    """The LAs of some schools in words, for a refusal ("Birmingham", "Birmingham and Solihull")."""
    areas = school_areas()
    las = dict.fromkeys(areas[int(u)][0] for u in urns if u is not None and int(u) in areas)
    return Scope(tuple(las)).label if las else "no council in the atlas"


def require_in_scope(actor: User, urns: Iterable[int | None], what: str = "this link") -> None:
    """Refuse a write to a link none of whose schools is in the actor's scope.

    Called by every function that writes a link, after the role check.

    Parameters
    ----------
    actor : User
        The officer.
    urns : iterable of int or None
        The link's schools (before and after an edit, each checked on its own).
    what : str
        The link, for the message.

    Raises
    ------
    PermissionDeniedError
        If no school of the link is in the actor's scope.
    """
    from dashboard.register.auth import PermissionDeniedError

    schools = list(urns)
    if not touches(actor.scope, schools):
        raise PermissionDeniedError(
            f"You act for {actor.scope.label}, and {what} is between schools in "
            f"{places(schools)}: only their council's officers may change it."
        )


def check_names(scope: Scope, path: Path = config.SCHOOLS_FILE) -> Scope:
    """Return ``scope`` if every LA and region in it is in the atlas, else say which are not.

    Raises
    ------
    ScopeError
        For an unknown name (a typo would otherwise give an account no rights, silently).
    """
    areas = school_areas(path).values()
    known_las = {la for la, _ in areas}
    known_regions = {region for _, region in areas}
    unknown = [la for la in scope.las if la not in known_las] + [
        r for r in scope.regions if r not in known_regions
    ]
    if unknown:
        raise ScopeError(
            f"Not an LA or region of the atlas: {', '.join(unknown)}. Use names as the map "
            "lists them, e.g. 'Worcestershire' or 'region:West Midlands'."
        )
    return scope


def links_in_scope(links_df: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """The links an account's councils look after: those touching a school in ``scope``.

    A link across a boundary touches both councils, so it is in both councils' lists.

    Parameters
    ----------
    links_df : pandas.DataFrame
        Links with ``school_urn`` and ``partner_urn`` (nullable integers).
    scope : Scope
        The account's scope.

    Returns
    -------
    pandas.DataFrame
        The matching rows (all of them for a national scope).
    """
    if scope.england:
        return links_df
    areas = school_areas()
    covered = {urn for urn, (la, region) in areas.items() if scope.covers(la, region)}
    hit = links_df["school_urn"].isin(covered) | links_df["partner_urn"].isin(covered)
    return links_df[hit.fillna(False).astype(bool)]

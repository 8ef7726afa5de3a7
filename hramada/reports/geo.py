"""Reach by settlement, for the map on the indicators pages and its table (docs/reports.md, "Reach on
the map").

The figures come from the indicators' own reach statement (``indicators._reach_rows``, its
``by_settlement`` part), so a settlement's figures are the same people and participations the
indicators count for that scope and period: unique people reached there (a person counted once per
settlement) and participations there. The indicators page hands over the figures its report already
holds (no second pass over the participations); the GeoJSON endpoint runs the statement itself.

Small groups: people 1-4 show as "<5" (``core.privacy``). A settlement whose people are withheld
shows no participation count either (a participation count of 5 or more beside "<5" people narrows
who they are), and when exactly one settlement is withheld the next smallest is hidden too, so that
the total minus the others cannot give it back. Nothing else carries the number: features are sorted
by name, not by size, and the map draws every withheld settlement with the same smallest circle.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from hramada.core.privacy import HIDDEN, SMALL, hide_one_more, is_shown, suppress_groups, suppress_small
from hramada.places.models import Settlement

from . import indicators
from .indicators import Period, Scope

__all__ = ["HIDDEN", "SMALL", "SettlementReach", "feature_collection", "reach_by_settlement", "table"]


@dataclass(frozen=True)
class SettlementReach:
    """One settlement's figures as they may be shown (numbers, "<5" or "hidden")."""

    settlement_id: int | None  # None: participations with no settlement recorded
    name: str
    region: str
    latitude: float | None
    longitude: float | None
    people: int | str
    participations: int | str

    @property
    def on_map(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def reach_by_settlement(
    scope: Scope, period: Period, counts: list[tuple] | None = None
) -> list[SettlementReach]:
    """Every settlement with a participation in ``scope`` and ``period``, by name (the active language),
    the unplaced participations last; small groups suppressed. ``counts``: the report's
    ``by_settlement`` when the page already has it (else computed here, by the same statement)."""
    if counts is None:
        counts = indicators._reach_rows(scope, period)["by_settlement"]
    rows = [(key, people, n) for key, people, n in counts if people]
    people = suppress_groups({key: n for key, n, _parts in rows})
    true_parts = {key: n for key, _people, n in rows}
    # Beside withheld people, participations say only whether they too are fewer than five.
    parts = {
        key: n if is_shown(people[key]) else (SMALL if suppress_small(n) == SMALL else HIDDEN)
        for key, n in true_parts.items()
    }
    parts = hide_one_more(true_parts, parts)
    places = {
        s.pk: s
        for s in Settlement.objects.select_related("region").filter(
            pk__in=[k for k in people if k is not None]
        )
    }
    out = []
    for key in people:
        place = places.get(key)
        out.append(
            SettlementReach(
                settlement_id=key,
                name=place.name if place else "",
                region=place.region.name if place else "",
                latitude=float(place.latitude) if place and place.latitude is not None else None,
                longitude=float(place.longitude) if place and place.longitude is not None else None,
                people=people[key],
                participations=parts[key],
            )
        )
    out.sort(key=lambda r: (r.settlement_id is None, r.name.casefold(), r.region.casefold()))
    return out


def feature_collection(reach: list[SettlementReach]) -> dict:
    """GeoJSON (RFC 7946) of the settlements with coordinates: a point each, with the figures as shown.
    Settlements without coordinates are in the page's table only."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r.longitude, r.latitude]},
                "properties": {
                    "name": r.name,
                    "region": r.region,
                    "people": r.people,
                    "participations": r.participations,
                },
            }
            for r in reach
            if r.on_map
        ],
    }


def table(reach: list[SettlementReach]) -> indicators.Table:
    """The table under the map, as the page shows it and the CSV and XLSX files carry it."""
    return indicators.Table(
        "by_settlement",
        _("Reach by settlement"),
        _(
            "Unique people reached and participations in each settlement where something happened. A "
            "person is counted once in each settlement they took part in. Settlements whose coordinates "
            "are not recorded are in the table only."
        ),
        [_("Settlement"), _("Region"), _("People"), _("Participations"), _("On the map")],
        [
            [
                r.name if r.settlement_id is not None else _("place not recorded"),
                r.region,
                r.people,
                r.participations,
                _("yes") if r.on_map else _("no"),
            ]
            for r in reach
        ],
    )

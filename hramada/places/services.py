"""Every change to places and communities goes through these functions."""

import csv
import gettext
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pycountry
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.core.text import unique_slug

from .models import Community, CommunityLeader, CommunityPhoto, Country, District, Region, Settlement
from .regions_data import COUNTRY_NAMES, REGION_NAMES

LANGS = ("be", "ru", "en")


def _pycountry_translator(domain: str, lang: str):
    try:
        return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang]).gettext
    except OSError:
        return lambda s: s


@transaction.atomic
def sync_regions(*, country_codes=("BY", "AM", "MD")) -> int:
    """Create or update countries and their ISO 3166-2 first-level regions from pycountry; idempotent."""
    count = 0
    for code in country_codes:
        pc = pycountry.countries.get(alpha_2=code)
        names = {lang: _pycountry_translator("iso3166-1", lang)(pc.name) for lang in LANGS}
        names["en"] = pc.name
        names.update(COUNTRY_NAMES.get(code, {}))
        country, _created = Country.objects.update_or_create(
            code=code, defaults={f"name_{lang}": names[lang] for lang in LANGS}
        )
        translators = {lang: _pycountry_translator("iso3166-2", lang) for lang in LANGS}
        for sub in pycountry.subdivisions.get(country_code=code):
            if getattr(sub, "parent_code", None):
                continue  # only first-level subdivisions are regions
            names = {lang: translators[lang](sub.name) for lang in LANGS}
            names.update(REGION_NAMES.get(sub.code, {}))
            Region.objects.update_or_create(
                code=sub.code,
                defaults={"country": country, "kind": sub.type}
                | {f"name_{lang}": names[lang] for lang in LANGS},
            )
            count += 1
    return count


# --- CSV import of districts and settlements ------------------------------------------------------

IMPORT_COLUMNS = [
    "region_code",
    "district_en",
    "name_en",
    "kind",
    "name_be",
    "name_ru",
    "district_be",
    "district_ru",
    "latitude",
    "longitude",
]
REQUIRED_COLUMNS = {"region_code", "name_en", "kind"}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _decimal(value, low, high, label):
    if value in (None, ""):
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise DomainError(
            _("%(label)s “%(value)s” is not a number.") % {"label": label, "value": value}
        ) from None
    if not low <= number <= high:
        raise DomainError(
            _("%(label)s must be between %(low)s and %(high)s.") % {"label": label, "low": low, "high": high}
        )
    return number


def _import_row(row: dict) -> bool:
    code = (row.get("region_code") or "").strip().upper()
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise DomainError(_("Unknown region code “%(code)s”.") % {"code": code})
    name_en = (row.get("name_en") or "").strip()
    if not name_en:
        raise DomainError(_("The settlement name (name_en) is empty."))
    kind = (row.get("kind") or "").strip().lower()
    if kind not in Settlement.Kind.values:
        raise DomainError(
            _("Unknown kind “%(kind)s”; use one of: %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(Settlement.Kind.values)}
        )
    lat = _decimal(row.get("latitude"), -90, 90, _("Latitude"))
    lon = _decimal(row.get("longitude"), -180, 180, _("Longitude"))
    district = None
    district_en = (row.get("district_en") or "").strip()
    if district_en:
        district, _c = District.objects.get_or_create(region=region, name_en=district_en)
        changed = False
        for lang in ("be", "ru"):
            value = (row.get(f"district_{lang}") or "").strip()
            if value and getattr(district, f"name_{lang}") != value:
                setattr(district, f"name_{lang}", value)
                changed = True
        if changed:
            district.save()
    values = {"kind": kind, "latitude": lat, "longitude": lon}
    for lang in ("be", "ru"):
        value = (row.get(f"name_{lang}") or "").strip()
        if value:
            values[f"name_{lang}"] = value
    _obj, created = Settlement.objects.update_or_create(
        region=region, district=district, name_en=name_en, defaults=values
    )
    return created


def import_settlements(*, actor, text: str) -> ImportReport:
    """Import districts and settlements from CSV text; good rows are saved, bad ones reported by line.

    Each row is its own transaction, so one bad line loses nothing else and the report says exactly
    which lines to fix. Re-importing the same file updates instead of duplicating.
    """
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
    if missing:
        report.errors.append((1, _("Missing columns: %(cols)s.") % {"cols": ", ".join(sorted(missing))}))
        return report
    for line_no, row in enumerate(reader, start=2):
        try:
            with transaction.atomic():
                if _import_row(row):
                    report.created += 1
                else:
                    report.updated += 1
        except DomainError as exc:
            report.errors.append((line_no, exc.message))
        except IntegrityError:
            report.errors.append((line_no, _("This row conflicts with an existing place.")))
    audit.record(
        actor=actor,
        action="places.settlements.imported",
        data={"created": report.created, "updated": report.updated, "errors": len(report.errors)},
    )
    return report


# --- Communities ---------------------------------------------------------------------------------

COMMUNITY_FIELDS = ["settlement", "neighbourhood", "is_published"] + [
    f"{f}_{lang}" for f in ("name", "summary", "description", "story") for lang in LANGS
]


def _title_en(values):
    return values.get("name_en") or values.get("name_ru") or values.get("name_be") or ""


@transaction.atomic
def save_community(*, actor, community: Community | None = None, **values) -> Community:
    """Create or change a community profile; it needs a name in at least one language."""
    if not any(values.get(f"name_{lang}") for lang in LANGS):
        raise DomainError(_("Give the community a name in at least one language."), field="name_be")
    creating = community is None
    community = community or Community()
    for key, value in values.items():
        setattr(community, key, value)
    if creating:
        community.slug = unique_slug(_title_en(values), Community)
    community.save()
    audit.record(
        actor=actor, action=f"places.community.{'created' if creating else 'updated'}", target=community
    )
    return community


@transaction.atomic
def set_leader(
    *, actor, community: Community, person, role: str = "", shown_publicly: bool = False
) -> CommunityLeader:
    """Record a person as a community leader; they appear on the public page only with their consent."""
    leader, _created = CommunityLeader.objects.get_or_create(community=community, person=person)
    leader.role = role
    if shown_publicly and not leader.shown_publicly:
        leader.consented_at = timezone.now()
    leader.shown_publicly = shown_publicly
    if not shown_publicly:
        leader.consented_at = None
    leader.save()
    audit.record(
        actor=actor,
        action="places.leader.set",
        target=community,
        data={"person": person.public_id, "shown": shown_publicly},
    )
    return leader


def export_leader_roles(person) -> list:
    return [
        {"community": leader.community.name, "role": leader.role, "shown_publicly": leader.shown_publicly}
        for leader in person.community_roles.select_related("community")
    ]


def erase_leader_roles(person) -> None:
    person.community_roles.all().delete()


PHOTO_TEXT_FIELDS = [f"{f}_{lang}" for f in ("alt", "caption") for lang in LANGS]
MAX_PHOTOS = 30


@transaction.atomic
def add_photo(
    *, actor, community: Community, image, is_illustration: bool = False, **texts
) -> CommunityPhoto:
    """Add a photo (already validated and re-encoded without metadata by the form) to a community's gallery,
    last. It needs a description for screen readers in at least one language; captions are optional."""
    texts = {key: (texts.get(key) or "").strip() for key in PHOTO_TEXT_FIELDS}
    if not any(texts[f"alt_{lang}"] for lang in LANGS):
        raise DomainError(_("Describe what the photo shows, in at least one language."), field="alt_be")
    Community.objects.select_for_update().filter(pk=community.pk).first()  # one order number each
    if community.photos.count() >= MAX_PHOTOS:
        raise DomainError(_("A gallery holds at most %(n)s photos; remove one first.") % {"n": MAX_PHOTOS})
    last = community.photos.order_by("-order").values_list("order", flat=True).first()
    photo = CommunityPhoto.objects.create(
        community=community,
        image=image,
        is_illustration=is_illustration,
        order=0 if last is None else last + 1,
        **texts,
    )
    audit.record(actor=actor, action="places.photo.added", target=community, data={"photo": photo.pk})
    return photo


@transaction.atomic
def move_photo(*, actor, photo: CommunityPhoto, up: bool) -> None:
    """Swap a photo with its neighbour in the gallery's order (earlier when ``up``)."""
    photos = list(photo.community.photos.select_for_update().order_by("order", "id"))
    index = next(i for i, p in enumerate(photos) if p.pk == photo.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(photos):
        return
    photos[index], photos[other] = photos[other], photos[index]
    for number, item in enumerate(photos):
        if item.order != number:
            item.order = number
            item.save(update_fields=["order"])
    audit.record(
        actor=actor,
        action="places.photo.moved",
        target=photo.community,
        data={"photo": photo.pk, "position": other + 1},
    )


@transaction.atomic
def remove_photo(*, actor, photo: CommunityPhoto) -> None:
    community = photo.community
    audit.record(actor=actor, action="places.photo.removed", target=community, data={"photo": photo.pk})
    photo.image.delete(save=False)
    photo.delete()

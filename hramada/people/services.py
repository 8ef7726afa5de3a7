"""Every change to people and their logins goes through these functions."""

import datetime

from django.conf import settings
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit, personal_data
from hramada.core.errors import DomainError

from .consent import SENSITIVE_FIELDS
from .duplicates import normalise_phone
from .models import ConsentRecord, Person, User


def ensure_person(user: User) -> Person:
    """Every login has exactly one Person; create it on first need, named after the e-mail's local part."""
    try:
        return user.person  # cached on the user object for the rest of the request
    except Person.DoesNotExist:
        return Person.objects.create(
            user=user,
            display_name=user.email.split("@")[0][:120],
            email=user.email,
            source=Person.Source.SELF,
        )


def remember_site_language(user, language: str) -> None:
    """Keep the language of the site the user signed up, logged in or switched to: e-mails follow it
    unless the profile names a language for them. Not audited: it changes with every visit in another
    language and decides only which language the person's own e-mails are written in."""
    if not getattr(user, "is_authenticated", False) or language not in {c for c, _n in settings.LANGUAGES}:
        return
    person = ensure_person(user)
    if person.site_language != language:
        Person.objects.filter(pk=person.pk).update(site_language=language)
        person.site_language = language


@transaction.atomic
def create_person(
    *,
    actor,
    display_name: str,
    email: str = "",
    home_settlement=None,
    source=Person.Source.STAFF,
    preferred_language: str = "",
):
    """Record a person who may have no login (entered by staff from a phone call or a paper list), with
    the language their e-mails should be written in if staff know it."""
    display_name = (display_name or "").strip()
    if not display_name:
        raise DomainError(_("A name is required."), field="display_name")
    if preferred_language not in {code for code, _name in settings.LANGUAGES}:
        preferred_language = ""
    person = Person.objects.create(
        display_name=display_name,
        email=email.strip().lower(),
        home_settlement=home_settlement,
        source=source,
        preferred_language=preferred_language,
    )
    audit.record(actor=actor, action="people.person.created", target=person, data={"source": source})
    return person


@transaction.atomic
def update_profile(
    *,
    person: Person,
    actor,
    display_name: str,
    home_settlement=None,
    home_community=None,
    preferred_language="",
    phone="",
) -> Person:
    """Change the non-sensitive profile; the community, if given, must lie in the home settlement; a
    phone number is stored in international form."""
    display_name = (display_name or "").strip()
    if not display_name:
        raise DomainError(_("A name is required."), field="display_name")
    phone = (phone or "").strip()
    if phone:
        normalised = normalise_phone(phone)
        if not normalised:
            raise DomainError(
                _(
                    "This is not a phone number we recognise: write it with the country code, e.g. +375 29 123 45 67."
                ),
                field="phone",
            )
        phone = normalised
    if (
        home_community is not None
        and home_settlement is not None
        and home_community.settlement_id != home_settlement.pk
    ):
        raise DomainError(_("This community is not in the settlement you chose."), field="home_community")
    if home_community is not None and home_settlement is None:
        home_settlement = home_community.settlement
    person.display_name = display_name
    person.home_settlement = home_settlement
    person.home_community = home_community
    person.preferred_language = preferred_language
    person.phone = phone
    person.save()
    audit.record(actor=actor, action="people.profile.updated", target=person)
    return person


@transaction.atomic
def set_sensitive_field(*, person: Person, actor, field: str, value, consent: bool) -> Person:
    """Store a sensitive value only with consent; withdrawing consent clears the value at once."""
    if field not in SENSITIVE_FIELDS:
        raise ValueError(f"{field} is not a sensitive field")
    empty = None if field == "birth_year" else ""
    has_value = value not in (None, "")
    consent_attr = f"{field}_consent_at"
    had_consent = getattr(person, consent_attr) is not None
    # Unticking the box withdraws consent (the value is then cleared); a new value needs the tick.
    if has_value and not consent and not had_consent:
        raise DomainError(
            _("Tick the consent box to store this, or leave the field empty."),
            field=field,
        )
    if field == "birth_year" and has_value:
        this_year = timezone.now().year
        if not (this_year - 110 <= int(value) <= this_year - 10):
            raise DomainError(
                _("Enter a birth year between %(a)s and %(b)s.")
                % {"a": this_year - 110, "b": this_year - 10},
                field=field,
            )
    keep = consent and has_value
    setattr(person, field, value if keep else empty)
    setattr(person, consent_attr, (getattr(person, consent_attr) or timezone.now()) if keep else None)
    person.save(update_fields=[field, consent_attr, "updated_at"])
    if keep != had_consent:
        ConsentRecord.objects.create(
            person=person, field=field, given=keep, purpose=str(SENSITIVE_FIELDS[field])
        )
        audit.record(
            actor=actor,
            action=f"people.consent.{'given' if keep else 'withdrawn'}",
            target=person,
            data={"field": field},
        )
    return person


def _iso(value):
    return value.isoformat() if isinstance(value, datetime.date | datetime.datetime) else value


def export_person_section(person: Person) -> dict:
    return {
        "id": person.public_id,
        "name": person.display_name,
        "email": person.email,
        "phone": person.phone,
        "home_settlement": person.home_settlement.full_name if person.home_settlement_id else None,
        "home_community": person.home_community.name if person.home_community_id else None,
        "preferred_language": person.preferred_language,
        "site_language": person.site_language,
        "gender": person.gender or None,
        "gender_consent_at": _iso(person.gender_consent_at),
        "birth_year": person.birth_year,
        "birth_year_consent_at": _iso(person.birth_year_consent_at),
        "disability": person.disability or None,
        "disability_consent_at": _iso(person.disability_consent_at),
        "created_at": _iso(person.created_at),
        "consent_history": [
            {"field": c.field, "given": c.given, "at": _iso(c.at), "purpose": c.purpose}
            for c in person.consents.all()
        ],
    }


def export_account_section(person: Person) -> dict | None:
    user = person.user
    if user is None:
        return None
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    return {
        "login_email": user.email,
        "joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user)
        ],
        "two_factor": sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True)),
        "actions_in_audit_log": [
            {"at": _iso(a.created_at), "action": a.action, "object": a.target_label}
            for a in user_audit_entries(user)
        ],
    }


def user_audit_entries(user):
    from hramada.core.models import AuditEntry

    return AuditEntry.objects.filter(actor=user).order_by("created_at")


def export_person_data(person: Person) -> dict:
    """Everything Hramada holds about a person, section by section, as JSON-able data."""
    return {
        "format": "hramada-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        **{s.name: s.export(person) for s in personal_data.sections()},
    }


@transaction.atomic
def erase_account(*, user: User) -> Person:
    """Remove the login and pseudonymise the person; contributions stay, shown as a former participant."""
    person = ensure_person(user)
    for section in personal_data.sections():
        if section.erase is not None:
            section.erase(person)
    user_audit_entries(user).update(actor_label="")
    # Entries about the person keep what happened, not who it happened to.
    from django.contrib.contenttypes.models import ContentType

    from hramada.core.models import AuditEntry

    AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(Person), target_id=str(person.pk)
    ).update(target_label="")
    # Labels of their registrations, bookings... ("Name — Event (status)") lose the name too.
    if len(person.display_name) >= 3:
        AuditEntry.objects.filter(target_label__contains=person.display_name).update(
            target_label=Replace("target_label", Value(person.display_name), Value("former participant"))
        )
    person.consents.all().delete()
    person.display_name = "Former participant"
    person.email = ""
    person.phone = ""
    person.home_settlement = None
    person.home_community = None
    person.preferred_language = ""
    person.site_language = ""
    for field in SENSITIVE_FIELDS:
        setattr(person, field, None if field == "birth_year" else "")
        setattr(person, f"{field}_consent_at", None)
    person.erased_at = timezone.now()
    person.user = None
    person.save()
    audit.record(actor=None, action="people.account.erased", target=person)
    user.delete()
    return person


# --- merging two records of the same human -------------------------------------------------------------

# Filled in ``keep`` from ``remove`` when empty in ``keep`` (the name is always ``keep``'s).
_MERGE_FILLED = ("email", "phone", "home_settlement", "home_community", "preferred_language", "site_language")


def merge_people(*, keep: Person, remove: Person, by, scope=None) -> dict:
    """Merge ``remove`` into ``keep`` in one transaction and delete ``remove``; return the counts moved.

    Every app's registered hook moves its rows (registrations, answers, roles...), resolving "both had
    one" collisions; then the consent history and the login move, and fields empty in ``keep`` are
    filled from ``remove``. Two people who both have a login are refused: a login carries its own
    sign-in, two-factor and (keyed by the login) anonymous votes, which must stay unlinkable, so the
    human chooses which account to close (erasing it) first. ``scope`` is the object (organisation)
    whose audit log shows the merge.
    """
    from hramada.core.registry import person_merge_hooks

    if keep.pk == remove.pk:
        raise DomainError(_("A person cannot be merged with themselves."))
    with transaction.atomic():
        locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[keep.pk, remove.pk])}
        if len(locked) != 2:
            raise DomainError(
                _("One of the two people no longer exists: perhaps someone merged them already.")
            )
        keep, remove = locked[keep.pk], locked[remove.pk]
        if keep.erased_at or remove.erased_at:
            raise DomainError(_("An erased person cannot be merged."))
        if keep.user_id and remove.user_id:
            raise DomainError(
                _(
                    "Both people have their own login. Merging two logins is not possible here: "
                    "ask the person which account to keep and to delete the other one first."
                )
            )
        moved = {}
        for name, fn, _covers in person_merge_hooks():
            for label, count in (fn(keep, remove) or {}).items():
                if count:
                    moved[f"{name}.{label}"] = count
        consents = ConsentRecord.objects.filter(person=remove).update(person=keep)
        if consents:
            moved["people.consents"] = consents
        _merge_dismissals(keep, remove)
        if remove.user_id and not keep.user_id:
            keep.user_id = remove.user_id
            remove.user = None
            remove.save(update_fields=["user"])
            moved["people.login"] = 1
        filled = []
        for field in _MERGE_FILLED:
            if not getattr(keep, field) and getattr(remove, field):
                setattr(keep, field, getattr(remove, field))
                filled.append(field)
        for field in SENSITIVE_FIELDS:  # a consented value travels with its consent
            if getattr(keep, field) in ("", None) and getattr(remove, field) not in ("", None):
                setattr(keep, field, getattr(remove, field))
                setattr(keep, f"{field}_consent_at", getattr(remove, f"{field}_consent_at"))
                filled.append(field)
        keep.save()
        removed_public_id = remove.public_id
        remove.delete()
        audit.record(
            actor=by,
            action="people.person.merged",
            target=keep,
            scope=scope,
            data={"kept": keep.public_id, "removed": removed_public_id, "moved": moved, "filled": filled},
        )
    return moved


def _merge_dismissals(keep: Person, remove: Person) -> None:
    """ "Not a duplicate" pairs of ``remove`` become ``keep``'s (a pair of the two themselves is dropped)."""
    from .models import DuplicateDismissal

    pairs = DuplicateDismissal.objects.filter(models.Q(person_a=remove) | models.Q(person_b=remove))
    for pair in list(pairs):
        other_id = pair.person_b_id if pair.person_a_id == remove.pk else pair.person_a_id
        if other_id != keep.pk:
            low, high = sorted((keep.pk, other_id))
            DuplicateDismissal.objects.get_or_create(
                person_a_id=low, person_b_id=high, defaults={"dismissed_by_id": pair.dismissed_by_id}
            )
        pair.delete()


def dismiss_duplicate(*, a: Person, b: Person, by, scope=None):
    """Remember that ``a`` and ``b`` are different humans, so the pair is no longer proposed."""
    from .models import DuplicateDismissal

    if a.pk == b.pk:
        raise DomainError(_("A person cannot be merged with themselves."))
    low, high = sorted((a.pk, b.pk))
    dismissal, created = DuplicateDismissal.objects.get_or_create(
        person_a_id=low, person_b_id=high, defaults={"dismissed_by": by if by.is_authenticated else None}
    )
    if created:
        audit.record(
            actor=by,
            action="people.duplicate.dismissed",
            target=a,
            scope=scope,
            data={"a": a.public_id, "b": b.public_id},
        )
    return dismissal

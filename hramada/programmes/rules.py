"""Who may do what in a programme. The lead organisation's owners and managers run the whole
programme; a partner organisation's owners and managers run its own country only and never see
another country's applicants or participants. Organiser rights also need this session's second
factor, as every organiser page does."""

import rules

from hramada.core.twofactor import passed_two_factor
from hramada.orgs.models import Membership
from hramada.orgs.rules import MANAGING_ROLES, is_manager, is_platform_staff

from .models import Application, Cohort, Participant, Programme


def _managed_org_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    cache = getattr(user, "_programmes_managed_orgs", None)
    if cache is None:
        cache = set(
            Membership.objects.filter(person__user=user, role__in=MANAGING_ROLES).values_list(
                "organisation_id", flat=True
            )
        )
        user._programmes_managed_orgs = cache
    return cache


def _programme_of(obj) -> Programme:
    if isinstance(obj, Programme):
        return obj
    if isinstance(obj, Cohort):
        return obj.programme
    if isinstance(obj, Application | Participant):
        return obj.cohort.programme
    raise TypeError(f"no programme for {obj!r}")


@rules.predicate
def is_lead_organiser(user, obj) -> bool:
    """An owner or manager of the programme's lead organisation, or platform staff, with two-factor."""
    if not passed_two_factor(user):
        return False
    programme = _programme_of(obj)
    return user.is_staff or programme.organisation_id in _managed_org_ids(user)


@rules.predicate
def is_partner_organiser(user, obj) -> bool:
    """An owner or manager of a partner organisation of the programme, with two-factor. For an
    application or a participant: of the partner of that person's country only."""
    if not passed_two_factor(user):
        return False
    orgs = _managed_org_ids(user)
    if not orgs:
        return False
    if isinstance(obj, Application | Participant):
        return obj.partner_id is not None and obj.partner.organisation_id in orgs
    return _programme_of(obj).partners.filter(organisation_id__in=orgs).exists()


@rules.predicate
def is_published(user, obj) -> bool:
    if isinstance(obj, Programme):
        return obj.published_at is not None
    if isinstance(obj, Cohort):
        return obj.published_at is not None and obj.programme.published_at is not None
    return False


@rules.predicate
def is_own(user, obj) -> bool:
    """The applicant or participant themself."""
    return user.is_authenticated and obj.person.user_id == user.pk


# The object is a programme (or a cohort). Editing the programme, its cohorts, calls, rules and
# certificates is the lead organisation's.
rules.add_perm("programmes.manage_programme", is_lead_organiser)
# The object is a programme or a cohort: partners work in it (their own country's people only).
rules.add_perm("programmes.work_in_programme", is_lead_organiser | is_partner_organiser)
rules.add_perm("programmes.view_programme", is_published | is_lead_organiser | is_partner_organiser)
# The object is an application or a participant: their personal data.
rules.add_perm("programmes.view_person", is_own | is_lead_organiser | is_partner_organiser)
rules.add_perm("programmes.decide_application", is_lead_organiser | is_partner_organiser)
# The object is an organisation: who may start a programme in it (listed in the organisation's menu).
rules.add_perm("programmes.add_programme", is_manager | is_platform_staff)

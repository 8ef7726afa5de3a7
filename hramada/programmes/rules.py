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


# --- The participant's community work (needs assessments, action plans) -----------------------------
# The object is a NeedsAssessment, an ActionPlan or a Participant. The participant writes; their
# mentor and the programme's organisers (a partner: its own country's participants) read and comment;
# everyone else sees only what the participant made public.


def _participant_of(obj):
    return obj if isinstance(obj, Participant) else obj.participant


@rules.predicate
def is_own_work(user, obj) -> bool:
    """The participant whose assessment or plan it is."""
    return user.is_authenticated and _participant_of(obj).person.user_id == user.pk


@rules.predicate
def is_participants_mentor(user, obj) -> bool:
    """The mentor the cohort gave this participant."""
    if not user.is_authenticated:
        return False
    mentor = _participant_of(obj).mentor
    return mentor is not None and mentor.person.user_id == user.pk


@rules.predicate
def is_work_organiser(user, obj) -> bool:
    """An organiser of the programme who may see this participant (lead: all; partner: own country)."""
    participant = _participant_of(obj)
    return is_lead_organiser(user, participant) or is_partner_organiser(user, participant)


@rules.predicate
def is_shown_publicly(user, obj) -> bool:
    """The participant opted in; a plan also has to be submitted (drafts stay private)."""
    if not getattr(obj, "is_public", False):
        return False
    status = getattr(obj, "status", None)
    return status is None or status != "draft"


rules.add_perm("programmes.edit_community_work", is_own_work)
rules.add_perm(
    "programmes.view_community_work",
    is_own_work | is_participants_mentor | is_work_organiser | is_shown_publicly,
)
# Private parts (mentor comments, survey results by question, the plan while a draft).
rules.add_perm("programmes.follow_community_work", is_own_work | is_participants_mentor | is_work_organiser)
rules.add_perm("programmes.comment_on_plan", is_participants_mentor | is_work_organiser)

# --- Cohort delivery (participants, sessions, completion, certificates) ------------------------------
# The object is a participant: hand-adding, marking as left, assigning a mentor and marking completion
# belong to the lead organisation and to the partner of that participant's country.
rules.add_perm("programmes.manage_participant", is_lead_organiser | is_partner_organiser)


# --- Selection and decisions (H2) ---------------------------------------------------------------------
# The object is a cohort: stating the rules, proposing, changing picks, freezing and deciding are the
# lead organisation's alone; partners see the selection page (their own country's people only).
rules.add_perm("programmes.select_cohort", is_lead_organiser)
rules.add_perm("programmes.see_selection", is_lead_organiser | is_partner_organiser)
# The object is an application: its applicant confirms or declines an offered place.
rules.add_perm("programmes.answer_place", is_own)

# --- Calls and applications --------------------------------------------------------------------------
# The object is an application. Its answers are read by the applicant, the lead organisation, the
# partner of the applicant's country and the reviewers the selection round assigned it to.


@rules.predicate
def is_assigned_reviewer(user, obj) -> bool:
    if not user.is_authenticated or not isinstance(obj, Application):
        return False
    round_id = obj.cohort.review_round_id
    if round_id is None:
        return False
    from hramada.reviews.models import Assignment

    return Assignment.objects.filter(
        round_id=round_id, item__subject_key=obj.subject_key, reviewer__user=user
    ).exists()


rules.add_perm(
    "programmes.view_application", is_own | is_lead_organiser | is_partner_organiser | is_assigned_reviewer
)

"""Merging two people (people.services.merge_people): applications, participations, mentoring, plan
updates, comments and the alumni profile move.

Both applied to (or take part in) the same cohort: the merge is refused with a message, since each
application has its own answers, decision and selection history and each participation its action plan
and certificate: an organiser settles which one stands first (withdraw one), then merges. Both mentors
of the same cohort: the mentees of one move to the other, which is kept.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hramada.core.errors import DomainError
from hramada.people.merge import counts, reassign

from .models import AlumniProfile, Application, Mentor, MentorComment, Participant, PlanUpdate

COVERS = (
    "programmes.Application.person",
    "programmes.Participant.person",
    "programmes.Mentor.person",
    "programmes.PlanUpdate.author",
    "programmes.MentorComment.author",
    "programmes.AlumniProfile.person",
)

_ALUMNI_FIELDS = ("works_at", "works_on")


def _refuse_same_cohort(model, keep, remove, message) -> None:
    cohorts = model.objects.filter(person=keep).values("cohort_id")
    clash = model.objects.filter(person=remove, cohort_id__in=cohorts).select_related("cohort").first()
    if clash is not None:
        raise DomainError(message % {"cohort": clash.cohort})


def _merge_mentoring(keep, remove) -> tuple[int, int]:
    kept = {m.cohort_id: m for m in Mentor.objects.filter(person=keep)}
    merged = 0
    for mentor in Mentor.objects.filter(person=remove, cohort_id__in=list(kept)):
        Participant.objects.filter(mentor=mentor).update(mentor=kept[mentor.cohort_id])
        mentor.delete()
        merged += 1
    return Mentor.objects.filter(person=remove).update(person=keep), merged


def merge_person(keep, remove) -> dict:
    _refuse_same_cohort(
        Application,
        keep,
        remove,
        _("Both people applied to %(cohort)s. Withdraw or decide one of the applications first."),
    )
    _refuse_same_cohort(
        Participant,
        keep,
        remove,
        _("Both people take part in %(cohort)s. Remove one of the participations first."),
    )
    mentoring = _merge_mentoring(keep, remove)
    alumni = 0
    kept_profile = AlumniProfile.objects.filter(person=keep).first()
    removed_profile = AlumniProfile.objects.filter(person=remove).first()
    if removed_profile is not None:
        if kept_profile is None:
            removed_profile.person = keep
            removed_profile.save(update_fields=["person", "updated_at"])
        else:
            for field in _ALUMNI_FIELDS:
                if not getattr(kept_profile, field):
                    setattr(kept_profile, field, getattr(removed_profile, field))
            kept_profile.listed = kept_profile.listed and removed_profile.listed  # opt-in must hold for both
            kept_profile.save()
            removed_profile.delete()
        alumni = 1
    result = counts(
        applications=reassign(Application, "person", keep, remove),
        participations=reassign(Participant, "person", keep, remove),
        mentoring=mentoring,
        plan_updates=reassign(PlanUpdate, "author", keep, remove),
        mentor_comments=reassign(MentorComment, "author", keep, remove),
    )
    if alumni:
        result["alumni_profile"] = alumni
    return result


def organisation_people(organisation):
    """By label, the ids of people who applied to or take part in the organisation's programmes."""
    from django.db.models import Q

    mine = Q(cohort__programme__organisation=organisation) | Q(partner__organisation=organisation)
    return {
        gettext_lazy("programme applications"): Application.objects.filter(mine).values("person_id"),
        gettext_lazy("programme participations"): Participant.objects.filter(mine).values("person_id"),
    }

"""Reads for the initiatives pages: the public list and page, the budget summary, people reached,
shifts with places left, a volunteer's own shifts, and the sections other apps' pages show."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from hramada.orgs.models import Role

from .models import BudgetLine, Initiative, InitiativeActivity, Shift, ShiftSignup, StoryUpdate, VolunteerRole


def public_initiatives(*, region=None, community=None, year=None):
    """Published initiatives with their community, newest first; filtered by region, community or a
    year the initiative was running in."""
    qs = Initiative.objects.filter(published_at__isnull=False).select_related(
        "community__settlement__region", "organisation"
    )
    if region is not None:
        qs = qs.filter(community__settlement__region=region)
    if community is not None:
        qs = qs.filter(community=community)
    if year:
        qs = qs.filter(
            Q(starts_on__year__lte=year) | Q(starts_on__isnull=True),
            Q(ends_on__year__gte=year) | Q(ends_on__isnull=True),
        ).exclude(starts_on__isnull=True, ends_on__isnull=True)
    return qs


def filter_choices():
    """Regions, communities and years that have published initiatives (for the list's filters)."""
    published = Initiative.objects.filter(published_at__isnull=False)
    from hramada.places.models import Community, Region

    regions = Region.objects.filter(settlements__communities__initiatives__in=published).distinct()
    communities = Community.objects.filter(initiatives__in=published).distinct().order_by("name")
    years = set()
    for starts, ends in published.values_list("starts_on", "ends_on"):
        first, last = (starts or ends), (ends or starts)
        if first and last:
            years.update(range(first.year, last.year + 1))
    return {"regions": list(regions), "communities": list(communities), "years": sorted(years, reverse=True)}


def initiative_by_slug(slug: str):
    return (
        Initiative.objects.select_related(
            "community__settlement__region",
            "organisation",
            "award__edition__contest",
            "award__project",
            "action_plan__participant",
        )
        .filter(slug=slug)
        .first()
    )


CENT = Decimal("0.01")


@dataclass
class Budget:
    lines: list
    planned: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)
    currencies: set = field(default_factory=set)

    @property
    def left(self) -> Decimal:
        return self.planned - self.spent

    @property
    def currency(self) -> str:
        return next(iter(self.currencies)) if len(self.currencies) == 1 else ""


def budget(initiative, *, with_expenses: bool = False) -> Budget:
    """Planned, spent and left per line and overall (one query; expenses for organisers only).
    Overall totals only add up lines of one currency; with several, ``currency`` is empty."""
    qs = BudgetLine.objects.filter(initiative=initiative).annotate(spent_sum=Sum("expenses__amount"))
    if with_expenses:
        qs = qs.prefetch_related("expenses")
    lines = list(qs)
    result = Budget(lines=lines, planned=Decimal(0).quantize(CENT), spent=Decimal(0).quantize(CENT))
    for line in lines:
        # Sums come back as 350 on SQLite and 350.00 on PostgreSQL: show money with two places.
        line.spent = Decimal(line.spent_sum or 0).quantize(CENT)
        line.left = line.planned - line.spent
        result.planned += line.planned
        result.spent += line.spent
        result.currencies.add(line.currency)
    return result


def activities(initiative):
    return list(
        InitiativeActivity.objects.filter(initiative=initiative)
        .select_related("event__settlement")
        .order_by("event__starts_at", "order", "id")
    )


def public_activities(initiative):
    return [a for a in activities(initiative) if a.event.status == "published"]


def people_reached(initiative) -> dict:
    """Distinct people who were checked in at any of the initiative's activity events, each counted
    once however many they attended; volunteers with recorded hours separately, with the hours."""
    from hramada.events.models import Registration

    event_ids = InitiativeActivity.objects.filter(initiative=initiative).values("event_id")
    attended = (
        Registration.objects.filter(event_id__in=event_ids, checked_in_at__isnull=False)
        .values("person_id")
        .distinct()
        .count()
    )
    volunteers = ShiftSignup.objects.filter(
        shift__role__initiative=initiative, cancelled_at__isnull=True, hours__gt=0
    ).aggregate(people=Count("person", distinct=True), hours=Sum("hours"))
    return {
        "attended": attended,
        "volunteers": volunteers["people"],
        "hours": volunteers["hours"] or Decimal(0),
    }


def roles_with_shifts(initiative, *, person=None, upcoming_only: bool = False):
    """Volunteer roles with their shifts (places left); ``shift.mine`` is the person's active sign-up."""
    shifts = Shift.objects.order_by("starts_at", "id")
    if upcoming_only:
        from django.utils import timezone

        shifts = shifts.filter(starts_at__gt=timezone.now())
    roles = list(
        VolunteerRole.objects.filter(initiative=initiative).prefetch_related(
            Prefetch("shifts", queryset=shifts)
        )
    )
    mine = {}
    if person is not None:
        mine = {
            s.shift_id: s
            for s in ShiftSignup.objects.filter(
                shift__role__initiative=initiative, person=person, cancelled_at__isnull=True
            )
        }
    for role in roles:
        for shift in role.shifts.all():
            shift.places_left = max(0, shift.capacity - shift.signed_up_count)
            shift.mine = mine.get(shift.pk)
    return roles


def shift_signups(initiative):
    """Every shift with its active and cancelled sign-ups, for organisers (two queries)."""
    return list(
        Shift.objects.filter(role__initiative=initiative)
        .select_related("role")
        .prefetch_related(
            Prefetch(
                "signups", queryset=ShiftSignup.objects.select_related("person").order_by("created_at", "id")
            )
        )
        .order_by("starts_at", "id")
    )


def updates(initiative):
    return StoryUpdate.objects.filter(initiative=initiative).order_by("-created_at", "-id")


def organisers(initiative):
    return list(initiative.organisers.select_related("person").order_by("id"))


def my_volunteering(person):
    """A volunteer's shifts (active and cancelled), newest first, and their total hours."""
    signups = list(
        ShiftSignup.objects.filter(person=person)
        .select_related("shift__role__initiative")
        .order_by("-shift__starts_at", "-id")
    )
    hours = sum((s.hours or Decimal(0) for s in signups if s.cancelled_at is None), Decimal(0))
    return {"signups": signups, "hours": hours}


def managed_initiatives(user):
    """Initiatives the user runs: named as organiser, or through their organisation (all for staff)."""
    if user.is_staff:
        return Initiative.objects.all()
    person = getattr(user, "person", None)
    if person is None:
        return Initiative.objects.none()
    orgs = person.memberships.filter(role__in=[Role.OWNER, Role.MANAGER]).values("organisation")
    return Initiative.objects.filter(Q(organisers__person=person) | Q(organisation__in=orgs)).distinct()


def organisation_initiatives(organisation):
    return (
        Initiative.objects.filter(organisation=organisation)
        .select_related("community")
        .order_by("-created_at")
    )


def is_shown(initiative) -> bool:
    return initiative.published_at is not None


# --- Sections on other apps' pages ----------------------------------------------------------------------


def home_section(request):
    items = list(public_initiatives()[:4])
    if not items:
        return None
    return {
        "title": _("Local initiatives"),
        "template": "initiatives/public/_cards.html",
        "items": items,
        "more_url": reverse("initiatives:list"),
        "empty": _("No initiatives yet."),
    }


def manage_section(request):
    user = request.user
    if not user.is_authenticated:
        return None
    items = list(managed_initiatives(user).select_related("community").order_by("-created_at")[:20])
    if not items:
        return None
    return {
        "title": _("Initiatives you run"),
        "template": "initiatives/manage/_initiative_list.html",
        "items": items,
        "empty": _("No initiatives yet."),
    }


def community_section(community):
    items = list(public_initiatives(community=community)[:10])
    if not items:
        return None
    return {
        "title": _("Local initiatives here"),
        "template": "initiatives/public/_cards.html",
        "items": items,
    }


def award_links(awards, user, *, manage: bool) -> dict:
    """For awards' pages (through ``awards.registry``): "now an initiative" on a won award that became
    one (published, or for its organisers), and on the organisers' page "Start an initiative"."""
    from . import services

    awards = list(awards)
    by_award = {
        i.award_id: i
        for i in Initiative.objects.filter(award__in=[a.pk for a in awards]).only(
            "slug", "title", "award_id", "published_at", "organisation_id"
        )
    }
    links = {}
    for award in awards:
        initiative = by_award.get(award.pk)
        if initiative is not None:
            if initiative.published_at is not None:
                url = reverse("initiatives:detail", args=[initiative.slug])
            elif manage:
                url = reverse("initiatives:manage", args=[initiative.slug])
            else:
                continue
            links[award.pk] = [(_("Now an initiative: %(title)s") % {"title": initiative.title}, url)]
        elif manage and award.project_id and services.can_start_from_award(user, award):
            links[award.pk] = [
                (_("Start an initiative"), reverse("initiatives:from_award", args=[award.public_id]))
            ]
    return links


def volunteers_link(user):
    """ "My volunteering" in the header for anyone who ever signed up for a shift (a queryset: the
    header asks every link's in one query)."""
    return ShiftSignup.objects.filter(person__user=user)

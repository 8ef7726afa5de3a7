"""What visitors and volunteers see: the list of initiatives, an initiative's page, volunteering in a
shift (sign up, cancel) and "My volunteering"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hramada.core.errors import DomainError
from hramada.core.pagination import paginate
from hramada.places.models import Community, Region

from .. import selectors, services
from ..forms import FromPlanForm
from ..models import Initiative, Shift, ShiftSignup


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_GET
def initiative_list(request):
    region = Region.objects.filter(code=request.GET.get("region", "")).first()
    community = Community.objects.filter(slug=request.GET.get("community", "")).first()
    year = _int(request.GET.get("year"))
    page = paginate(
        request, selectors.public_initiatives(region=region, community=community, year=year), per_page=12
    )
    filtered = bool(region or community or year)
    return render(
        request,
        "initiatives/public/list.html",
        {
            "page": page,
            "choices": selectors.filter_choices(),
            "region": region,
            "community": community,
            "year": year,
            "filtered": filtered,
        },
    )


def _initiative_or_404(request, slug):
    initiative = selectors.initiative_by_slug(slug)
    if initiative is None or not request.user.has_perm("initiatives.view_initiative", initiative):
        raise Http404
    return initiative


@require_GET
def initiative_detail(request, slug):
    initiative = _initiative_or_404(request, slug)
    person = getattr(request.user, "person", None) if request.user.is_authenticated else None
    award = initiative.award
    award_url = None
    if award is not None and award.project_id:
        award_url = reverse("contests:project", args=[award.project.public_id])
    plan = initiative.action_plan
    return render(
        request,
        "initiatives/public/detail.html",
        {
            "initiative": initiative,
            "can_manage": services.can_manage(request.user, initiative),
            "partners": list(initiative.partners.all()),
            "organiser_count": initiative.organisers.count(),
            "activities": selectors.public_activities(initiative),
            "updates": list(selectors.updates(initiative)[:20]),
            "roles": selectors.roles_with_shifts(initiative, person=person, upcoming_only=True),
            "budget": selectors.budget(initiative),
            "reached": selectors.people_reached(initiative),
            "award": award,
            "award_url": award_url,
            "plan_public": plan is not None and plan.is_public,
        },
    )


@login_required
@require_POST
def shift_sign_up(request, slug, shift):
    initiative = _initiative_or_404(request, slug)
    shift = get_object_or_404(Shift, public_id=shift, role__initiative=initiative)
    try:
        services.sign_up(actor=request.user, shift=shift)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Thank you! You are signed up; we will remind you by e-mail the day before.")
        )
    return redirect(reverse("initiatives:detail", args=[initiative.slug]) + "#volunteers")


@login_required
@require_POST
def signup_cancel(request, signup):
    signup = get_object_or_404(
        ShiftSignup.objects.select_related("shift__role__initiative"),
        public_id=signup,
        person__user=request.user,
    )
    try:
        services.cancel_signup(actor=request.user, signup=signup)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your sign-up is cancelled; the place is free for someone else."))
    return redirect("initiatives:my_volunteering")


@never_cache
@login_required
@require_GET
def my_volunteering(request):
    person = getattr(request.user, "person", None)
    mine = selectors.my_volunteering(person) if person else {"signups": [], "hours": 0}
    return render(request, "initiatives/public/my_volunteering.html", {**mine, "now": timezone.now()})


@login_required
@require_http_methods(["GET", "POST"])
def from_plan(request, plan):
    """A participant's submitted action plan becomes an initiative (the plan's author, or the
    programme's organisers); the community and title come from the plan and can be changed here."""
    from hramada.programmes.models import ActionPlan

    plan = get_object_or_404(
        ActionPlan.objects.select_related(
            "participant__person", "participant__community", "participant__cohort"
        ),
        public_id=plan,
    )
    if not services.can_start_from_plan(request.user, plan):
        raise Http404
    existing = Initiative.objects.filter(action_plan=plan).first()
    if existing is not None:
        return redirect(
            "initiatives:detail" if existing.published_at else "initiatives:manage", existing.slug
        )
    form = FromPlanForm(
        request.POST if request.method == "POST" else None,
        initial={"community": plan.participant.community, f"title_{request.LANGUAGE_CODE}": plan.title},
    )
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.start_from_plan(actor=request.user, plan=plan, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Your plan is now an initiative. Its organiser pages ask for two-factor authentication."),
            )
            return redirect("initiatives:manage", initiative.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "initiatives/public/from_plan.html", {"plan": plan, "form": form}, status=status)

"""Organiser pages for initiatives (under /manage/, so the middleware has required two-factor
authentication): details, organisers and partners, activities, budget and receipts, story updates,
volunteers and hours, and starting an initiative from a contest award.

Every page needs ``initiatives.manage_initiative`` on the initiative (``initiatives.add_initiative``
on the organisation for creating one); services check the same rules again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hramada.core.errors import DomainError
from hramada.core.pagination import paginate
from hramada.core.storage import safe_filename, send_stored
from hramada.orgs.models import Organisation
from hramada.people.models import Person

from .. import selectors, services
from ..forms import (
    BudgetLineForm,
    ExpenseForm,
    FromAwardForm,
    HoursForm,
    InitiativeForm,
    LinkEventForm,
    NewActivityForm,
    OrganiserForm,
    PartnersForm,
    RoleForm,
    ShiftForm,
    UpdateForm,
)
from ..models import Expense, Initiative, InitiativeActivity, InitiativeOrganiser, ShiftSignup, StoryUpdate

TEXT_FIELDS = [f"{f}_{lang}" for f in ("title", "summary", "story") for lang in ("be", "ru", "en")]


def _posted(request):
    return request.POST if request.method == "POST" else None


def _form_error(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _initiative_for(request, slug) -> Initiative:
    initiative = (
        Initiative.objects.select_related("community__settlement", "organisation").filter(slug=slug).first()
    )
    if initiative is None:
        raise Http404
    if not services.can_manage(request.user, initiative):
        raise PermissionDenied
    return initiative


def _org_for(request, slug) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("initiatives.add_initiative", organisation):
        raise PermissionDenied
    return organisation


def _back(initiative, name="initiatives:manage", anchor=""):
    return redirect(reverse(name, args=[initiative.slug]) + anchor)


def _render(request, template, initiative, **context):
    # A form sent back with errors answers 400, never 200 or 500.
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"initiative": initiative, **context}, status=status)


# --- The organisation's initiatives, a new one -------------------------------------------------------------


@login_required
def org_initiatives(request, slug):
    organisation = _org_for(request, slug)
    page = paginate(request, selectors.organisation_initiatives(organisation), per_page=50)
    return render(request, "initiatives/manage/org_list.html", {"organisation": organisation, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def initiative_new(request, slug):
    organisation = _org_for(request, slug)
    form = InitiativeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.create_initiative(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The initiative is created. Publish it when its page is ready."))
            return _back(initiative)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "initiatives/manage/edit.html", {"organisation": organisation, "form": form}, status=status
    )


# --- One initiative -------------------------------------------------------------------------------------------


@login_required
def overview(request, slug):
    initiative = _initiative_for(request, slug)
    orgs = Organisation.objects.exclude(pk=initiative.organisation_id).order_by("name")
    return _render(
        request,
        "initiatives/manage/overview.html",
        initiative,
        organisers=selectors.organisers(initiative),
        organiser_form=OrganiserForm(),
        partners_form=PartnersForm(organisations=orgs, initial={"partners": initiative.partners.all()}),
        budget=selectors.budget(initiative),
        reached=selectors.people_reached(initiative),
        activity_count=initiative.activities.count(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug):
    initiative = _initiative_for(request, slug)
    initial = {f: getattr(initiative, f) for f in TEXT_FIELDS} | {
        "community": initiative.community,
        "starts_on": initiative.starts_on,
        "ends_on": initiative.ends_on,
        "funding_note": initiative.funding_note,
    }
    form = InitiativeForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_initiative(actor=request.user, initiative=initiative, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return _back(initiative)
    return _render(request, "initiatives/manage/edit.html", initiative, form=form)


@login_required
@require_POST
def publish(request, slug):
    initiative = _initiative_for(request, slug)
    try:
        services.publish(
            actor=request.user, initiative=initiative, published=request.POST.get("published") == "1"
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Published.") if request.POST.get("published") == "1" else _("Hidden from the public.")
        )
    return _back(initiative)


@login_required
@require_POST
def organiser_add(request, slug):
    initiative = _initiative_for(request, slug)
    form = OrganiserForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"]
        person = Person.objects.filter(
            Q(user__email__iexact=email)
            | Q(user__emailaddress__email__iexact=email, user__emailaddress__verified=True),
            erased_at__isnull=True,
        ).first()
        if person is None:
            messages.error(request, _("No account has this e-mail address. Ask the person to sign up first."))
        else:
            try:
                services.add_organiser(
                    actor=request.user, initiative=initiative, person=person, role=form.cleaned_data["role"]
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("%(name)s is now an organiser.") % {"name": person})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return _back(initiative, anchor="#organisers")


@login_required
@require_POST
def organiser_remove(request, slug, organiser):
    initiative = _initiative_for(request, slug)
    organiser = get_object_or_404(InitiativeOrganiser, pk=organiser, initiative=initiative)
    services.remove_organiser(actor=request.user, organiser=organiser)
    messages.success(request, _("Removed."))
    return _back(initiative, anchor="#organisers")


@login_required
@require_POST
def partners(request, slug):
    initiative = _initiative_for(request, slug)
    orgs = Organisation.objects.exclude(pk=initiative.organisation_id)
    form = PartnersForm(request.POST, organisations=orgs)
    if form.is_valid():
        services.set_partners(
            actor=request.user, initiative=initiative, partners=form.cleaned_data["partners"]
        )
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Choose partners from the list."))
    return _back(initiative, anchor="#partners")


# --- Activities -------------------------------------------------------------------------------------------------


def _linkable_events(initiative):
    from hramada.events.models import Event

    org_ids = {initiative.organisation_id, *initiative.partners.values_list("pk", flat=True)} - {None}
    return (
        Event.objects.filter(organisation_id__in=org_ids)
        .exclude(pk__in=initiative.activities.values("event_id"))
        .order_by("-starts_at")
    )


@login_required
@require_http_methods(["GET", "POST"])
def activities(request, slug):
    initiative = _initiative_for(request, slug)
    link_form = LinkEventForm(
        request.POST if request.POST.get("action") == "link" else None, events=_linkable_events(initiative)
    )
    new_form = NewActivityForm(request.POST if request.POST.get("action") == "new" else None)
    if request.method == "POST":
        try:
            if link_form.is_bound and link_form.is_valid():
                services.link_event(actor=request.user, initiative=initiative, **link_form.cleaned_data)
                messages.success(request, _("The event is now one of the initiative's activities."))
                return _back(initiative, "initiatives:activities")
            if new_form.is_bound and new_form.is_valid():
                data = new_form.cleaned_data
                services.create_activity(
                    actor=request.user,
                    initiative=initiative,
                    kind=data["kind"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    capacity=data["capacity"],
                    **{
                        f"title_{request.LANGUAGE_CODE}": data["title"],
                        f"venue_{request.LANGUAGE_CODE}": data["venue"],
                    },
                )
                messages.success(
                    request, _("The event is created and linked. Edit its details on the event's page.")
                )
                return _back(initiative, "initiatives:activities")
        except DomainError as exc:
            _form_error(new_form if new_form.is_bound else link_form, exc)
    return _render(
        request,
        "initiatives/manage/activities.html",
        initiative,
        activities=selectors.activities(initiative),
        link_form=link_form,
        new_form=new_form,
    )


@login_required
@require_POST
def activity_remove(request, slug, activity):
    initiative = _initiative_for(request, slug)
    activity = get_object_or_404(InitiativeActivity, pk=activity, initiative=initiative)
    services.unlink_activity(actor=request.user, activity=activity)
    messages.success(request, _("Removed from the activities; the event itself is unchanged."))
    return _back(initiative, "initiatives:activities")


# --- Budget -------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def budget(request, slug):
    initiative = _initiative_for(request, slug)
    lines = initiative.budget_lines.all()
    line_form = BudgetLineForm(request.POST if request.POST.get("action") == "line" else None)
    expense_form = ExpenseForm(
        request.POST if request.POST.get("action") == "expense" else None,
        request.FILES if request.POST.get("action") == "expense" else None,
        lines=lines,
    )
    if request.method == "POST":
        try:
            if line_form.is_bound and line_form.is_valid():
                services.add_budget_line(actor=request.user, initiative=initiative, **line_form.cleaned_data)
                messages.success(request, _("Budget line added."))
                return _back(initiative, "initiatives:budget")
            if expense_form.is_bound and expense_form.is_valid():
                services.record_expense(actor=request.user, **expense_form.cleaned_data)
                messages.success(request, _("Expense recorded."))
                return _back(initiative, "initiatives:budget")
        except DomainError as exc:
            _form_error(expense_form if expense_form.is_bound else line_form, exc)
    return _render(
        request,
        "initiatives/manage/budget.html",
        initiative,
        budget=selectors.budget(initiative, with_expenses=True),
        line_form=line_form,
        expense_form=expense_form,
    )


def _expense_for(request, slug, expense):
    initiative = _initiative_for(request, slug)
    return initiative, get_object_or_404(
        Expense.objects.select_related("line"), public_id=expense, line__initiative=initiative
    )


@login_required
def receipt(request, slug, expense):
    _initiative, expense = _expense_for(request, slug, expense)
    if not expense.receipt:
        raise Http404
    ext = expense.receipt.name.rsplit(".", 1)[-1].lower()
    types = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
    response = send_stored(
        expense.receipt.name,
        content_type=types.get(ext, "application/octet-stream"),
        filename=safe_filename(f"receipt-{expense.spent_on:%Y-%m-%d}", ext),
        as_attachment=ext not in types,
    )
    if response is None:
        raise Http404
    return response


@login_required
@require_POST
def expense_delete(request, slug, expense):
    initiative, expense = _expense_for(request, slug, expense)
    services.delete_expense(actor=request.user, expense=expense)
    messages.success(request, _("Expense removed."))
    return _back(initiative, "initiatives:budget")


# --- Story updates --------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def updates(request, slug):
    initiative = _initiative_for(request, slug)
    form = UpdateForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_update(actor=request.user, initiative=initiative, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The update is on the initiative's page."))
            return _back(initiative, "initiatives:updates")
    return _render(
        request,
        "initiatives/manage/updates.html",
        initiative,
        form=form,
        page=paginate(request, selectors.updates(initiative), per_page=20),
    )


@login_required
@require_POST
def update_delete(request, slug, update):
    initiative = _initiative_for(request, slug)
    update = get_object_or_404(StoryUpdate, public_id=update, initiative=initiative)
    services.delete_update(actor=request.user, update=update)
    messages.success(request, _("Update removed."))
    return _back(initiative, "initiatives:updates")


# --- Volunteers -------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def volunteers(request, slug):
    initiative = _initiative_for(request, slug)
    roles = initiative.volunteer_roles.all()
    role_form = RoleForm(request.POST if request.POST.get("action") == "role" else None)
    shift_form = ShiftForm(request.POST if request.POST.get("action") == "shift" else None, roles=roles)
    if request.method == "POST":
        try:
            if role_form.is_bound and role_form.is_valid():
                services.add_role(actor=request.user, initiative=initiative, **role_form.cleaned_data)
                messages.success(request, _("Role added. Now add its shifts."))
                return _back(initiative, "initiatives:volunteers")
            if shift_form.is_bound and shift_form.is_valid():
                services.add_shift(actor=request.user, **shift_form.cleaned_data)
                messages.success(request, _("Shift added."))
                return _back(initiative, "initiatives:volunteers")
        except DomainError as exc:
            _form_error(shift_form if shift_form.is_bound else role_form, exc)
    return _render(
        request,
        "initiatives/manage/volunteers.html",
        initiative,
        shifts=selectors.shift_signups(initiative),
        role_form=role_form,
        shift_form=shift_form,
        has_roles=roles.exists(),
        reached=selectors.people_reached(initiative),
    )


def _signup_for(request, slug, signup):
    initiative = _initiative_for(request, slug)
    return initiative, get_object_or_404(
        ShiftSignup.objects.select_related("shift__role__initiative", "person"),
        public_id=signup,
        shift__role__initiative=initiative,
    )


@login_required
@require_POST
def hours(request, slug, signup):
    initiative, signup = _signup_for(request, slug, signup)
    form = HoursForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the hours as a number from 0 to 24."))
    else:
        try:
            services.record_hours(actor=request.user, signup=signup, hours=form.cleaned_data["hours"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Hours recorded for %(name)s.") % {"name": signup.person})
    return _back(initiative, "initiatives:volunteers", f"#shift-{signup.shift.public_id}")


@login_required
@require_POST
def signup_cancel(request, slug, signup):
    initiative, signup = _signup_for(request, slug, signup)
    try:
        services.cancel_signup(actor=request.user, signup=signup)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Sign-up cancelled."))
    return _back(initiative, "initiatives:volunteers", f"#shift-{signup.shift.public_id}")


# --- From a contest award -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def from_award(request, award):
    from hramada.awards.models import Award

    award = get_object_or_404(
        Award.objects.select_related("edition__contest__organisation", "project__community", "sponsor"),
        public_id=award,
    )
    if not services.can_start_from_award(request.user, award):
        raise PermissionDenied
    existing = Initiative.objects.filter(award=award).first()
    if existing is not None:
        return _back(existing)
    if award.project is None:
        raise Http404
    project = award.project
    initial = {"community": project.community, f"title_{request.LANGUAGE_CODE}": project.title}
    form = FromAwardForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.start_from_award(actor=request.user, award=award, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("The winning project is now an initiative. Add its budget, activities and volunteers."),
            )
            return _back(initiative)
    if not form.is_bound:
        form.initial["funding_note"] = services.award_funding_note(award)
    status = 400 if request.method == "POST" else 200
    context = {"award": award, "project": project, "form": form}
    return render(request, "initiatives/manage/from_award.html", context, status=status)

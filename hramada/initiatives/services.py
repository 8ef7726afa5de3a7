"""Every change to a local initiative: creating and editing it, its organisers and partners, its
activities (events), budget and expenses, story updates, and volunteers in shifts.

Each function is one transaction, checks the actor's permission (the named rules of ``rules.py``)
and writes an audit entry scoped to the initiative's organisation. A volunteer's own sign-up is its
own record (person, time, cancellation); organisers' changes to sign-ups (cancelling for someone,
hours) are audited.

Shift capacity (never overbook): ``sign_up`` locks the shift row (``select_for_update``), counts the
active sign-ups, refuses when the shift is full, inserts the sign-up and writes the new count to
``Shift.signed_up_count`` in the same transaction. The check constraint ``shift_not_overbooked`` is
the guard behind it, and ``shift_signup_once_while_active`` keeps one active sign-up per person.
"""

import logging
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit
from hramada.core.errors import DomainError, violated_constraint
from hramada.core.images import validate_image
from hramada.core.pdf import PDF_MAGIC, check_pdf
from hramada.core.tasks import enqueue_on_commit
from hramada.core.text import unique_slug
from hramada.core.translated import LANGS, set_translated
from hramada.orgs.models import Organisation

from . import tasks
from .models import (
    BudgetLine,
    Expense,
    Initiative,
    InitiativeActivity,
    InitiativeOrganiser,
    Shift,
    ShiftSignup,
    StoryUpdate,
    VolunteerRole,
)

logger = logging.getLogger(__name__)

TRANSLATED = ("title", "summary", "story")
PLAIN = {"community", "starts_on", "ends_on", "funding_note"}
MAX_HOURS = Decimal(24)


def _scope(initiative):
    return (Organisation, initiative.organisation_id) if initiative.organisation_id else initiative


def can_manage(user, initiative) -> bool:
    return user is not None and user.has_perm("initiatives.manage_initiative", initiative)


def _require_manager(actor, initiative):
    if not can_manage(actor, initiative):
        raise DomainError(_("Only the initiative's organisers can do this."))


def _lock(model, pk):
    return model.objects.select_for_update(no_key=True).get(pk=pk)


# --- The initiative ------------------------------------------------------------------------------------


def _apply(initiative, values) -> list[str]:
    unknown = set(values) - PLAIN - {f"{f}_{lang}" for f in TRANSLATED for lang in LANGS}
    if unknown:
        raise TypeError(f"unexpected values: {sorted(unknown)}")
    changed = []
    for key in PLAIN & set(values):
        if getattr(initiative, key, None) != values[key]:
            setattr(initiative, key, values[key])
            changed.append(key)
    for field in TRANSLATED:
        before = [getattr(initiative, f"{field}_{lang}", "") for lang in LANGS]
        set_translated(
            initiative,
            field,
            values,
            required_message=_("Give the initiative a title in at least one language.")
            if field == "title"
            else None,
        )
        if before != [getattr(initiative, f"{field}_{lang}", "") for lang in LANGS]:
            changed.append(field)
    if initiative.community_id is None:
        raise DomainError(_("Choose the community the initiative belongs to."), field="community")
    if initiative.starts_on and initiative.ends_on and initiative.ends_on < initiative.starts_on:
        raise DomainError(_("The initiative cannot end before it starts."), field="ends_on")
    return changed


def _create(*, actor, organisation, values, award=None, action_plan=None, action="created") -> Initiative:
    initiative = Initiative(organisation=organisation, award=award, action_plan=action_plan)
    changed = _apply(initiative, values)
    base = initiative.title_en or initiative.title_ru or initiative.title_be
    initiative.slug = unique_slug(base, Initiative, max_length=70)
    initiative.save()
    audit.record(
        actor=actor,
        action=f"initiatives.initiative.{action}",
        target=initiative,
        scope=_scope(initiative),
        data={"fields": sorted(changed)},
    )
    return initiative


@transaction.atomic
def create_initiative(*, actor, organisation=None, **values) -> Initiative:
    """A new initiative of an organisation (its owners and managers) or, without one, by platform staff."""
    if actor is None or not actor.has_perm("initiatives.add_initiative", organisation):
        raise DomainError(_("Only the organisation's owners and managers can start an initiative."))
    return _create(actor=actor, organisation=organisation, values=values)


@transaction.atomic
def update_initiative(*, actor, initiative: Initiative, **values) -> Initiative:
    """Change an initiative's texts (per language), community, dates or funding note."""
    _require_manager(actor, initiative)
    initiative = _lock(Initiative, initiative.pk)
    changed = _apply(initiative, values)
    if changed:
        initiative.save()
        audit.record(
            actor=actor,
            action="initiatives.initiative.updated",
            target=initiative,
            scope=_scope(initiative),
            data={"fields": sorted(changed)},
        )
    return initiative


@transaction.atomic
def publish(*, actor, initiative: Initiative, published: bool = True) -> Initiative:
    """Show the initiative publicly (or hide it again); its texts need a summary first."""
    _require_manager(actor, initiative)
    initiative = _lock(Initiative, initiative.pk)
    if published and not (initiative.summary_be or initiative.summary_ru or initiative.summary_en):
        raise DomainError(_("Write a short summary before publishing the initiative."))
    if published == (initiative.published_at is not None):
        return initiative
    initiative.published_at = timezone.now() if published else None
    initiative.save(update_fields=["published_at", "updated_at"])
    audit.record(
        actor=actor,
        action="initiatives.initiative.published" if published else "initiatives.initiative.unpublished",
        target=initiative,
        scope=_scope(initiative),
    )
    return initiative


@transaction.atomic
def add_organiser(*, actor, initiative: Initiative, person, role: str = "") -> InitiativeOrganiser:
    """Name a person as one of the initiative's organisers (they then manage it)."""
    _require_manager(actor, initiative)
    if InitiativeOrganiser.objects.filter(initiative=initiative, person=person).exists():
        raise DomainError(_("%(name)s is already an organiser of this initiative.") % {"name": person})
    if person.erased_at:
        raise DomainError(_("This person's account was deleted."))
    organiser = InitiativeOrganiser.objects.create(initiative=initiative, person=person, role=role[:120])
    audit.record(
        actor=actor,
        action="initiatives.organiser.added",
        target=person,
        scope=_scope(initiative),
        data={"initiative": initiative.public_id, "role": organiser.role},
    )
    return organiser


@transaction.atomic
def remove_organiser(*, actor, organiser: InitiativeOrganiser) -> None:
    """Remove a person from the initiative's organisers."""
    initiative = organiser.initiative
    _require_manager(actor, initiative)
    person = organiser.person
    organiser.delete()
    audit.record(
        actor=actor,
        action="initiatives.organiser.removed",
        target=person,
        scope=_scope(initiative),
        data={"initiative": initiative.public_id},
    )


@transaction.atomic
def set_partners(*, actor, initiative: Initiative, partners) -> None:
    """The partner organisations shown on the initiative's page (not the organisation itself)."""
    _require_manager(actor, initiative)
    partners = [p for p in partners if p.pk != initiative.organisation_id]
    before = set(initiative.partners.values_list("pk", flat=True))
    if before == {p.pk for p in partners}:
        return
    initiative.partners.set(partners)
    audit.record(
        actor=actor,
        action="initiatives.partners.changed",
        target=initiative,
        scope=_scope(initiative),
        data={"partners": sorted(p.slug for p in partners)},
    )


# --- Started from elsewhere: a contest award, an action plan -------------------------------------------


def award_funding_note(award) -> str:
    """ "<award>, <edition>: <amount> <currency> (<sponsor>)", as an initiative's funding note."""
    funding = _("%(award)s, %(edition)s: %(amount)s %(currency)s") % {
        "award": award,
        "edition": award.edition,
        "amount": award.prize_amount,
        "currency": award.currency,
    }
    if award.sponsor_id:
        funding = f"{funding} ({award.sponsor})"
    return funding[:300]


def can_start_from_award(user, award) -> bool:
    contest = award.edition.contest
    return user is not None and user.has_perm("contests.manage_contest", contest.organisation)


@transaction.atomic
def start_from_award(*, actor, award, **values) -> Initiative:
    """A contest winner becomes an initiative in one step: the winning project's title and community,
    the contest's organisation, the award as its funding, and the project's team as its organisers."""
    from hramada.awards.models import Award

    if not can_start_from_award(actor, award):
        raise DomainError(_("Only the contest's organisers can do this."))
    award = (
        Award.objects.select_for_update(of=("self",))
        .select_related("edition__contest", "project", "sponsor")
        .get(pk=award.pk)
    )
    if award.project_id is None:
        raise DomainError(_("This award has no winner yet."))
    if Initiative.objects.filter(award=award).exists():
        raise DomainError(_("This award's project is already an initiative."))
    project = award.project
    community = values.pop("community", None) or project.community
    if community is None:
        raise DomainError(_("Choose the community the initiative belongs to."), field="community")
    defaults = {
        "title_be": project.title,
        "summary_be": (project.summary or "")[:300],
        "funding_note": award_funding_note(award),
    }
    values = {key: value for key, value in values.items() if value not in ("", None)}
    if any(values.get(f"title_{lang}") for lang in LANGS):
        defaults.pop("title_be")
    values = {**defaults, **values, "community": community}
    organisation = award.edition.contest.organisation
    initiative = _create(
        actor=actor, organisation=organisation, values=values, award=award, action="started_from_award"
    )
    partners = [o for o in (project.organisation, award.sponsor) if o is not None and o.pk != organisation.pk]
    if partners:
        initiative.partners.set(partners)
    team = project.members.filter(user__isnull=False).select_related("user__person")
    for member in team:
        person = getattr(member.user, "person", None)
        if person is not None:
            InitiativeOrganiser.objects.get_or_create(
                initiative=initiative, person=person, defaults={"role": _("project team")}
            )
    return initiative


def can_start_from_plan(user, plan) -> bool:
    if user is None or not user.is_authenticated:
        return False
    participant = plan.participant
    return participant.person.user_id == user.pk or user.has_perm(
        "programmes.manage_programme", participant.cohort
    )


def plan_action_shown(user, plan) -> bool:
    """The link on a plan's page: for whoever may start it, once submitted, while it is no initiative."""
    from hramada.programmes.models import ActionPlan

    return (
        plan.status != ActionPlan.Status.DRAFT
        and can_start_from_plan(user, plan)
        and not Initiative.objects.filter(action_plan=plan).exists()
    )


@transaction.atomic
def start_from_plan(*, actor, plan, **values) -> Initiative:
    """A participant's submitted action plan becomes an initiative of their community, with the
    participant as its organiser; the plan and the initiative stay linked (``plan.initiative``)."""
    from hramada.programmes.models import ActionPlan

    if not can_start_from_plan(actor, plan):
        raise DomainError(_("Only the plan's author and the programme's organisers can do this."))
    plan = (
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("participant__person", "participant__cohort__programme")
        .get(pk=plan.pk)
    )
    if plan.status == ActionPlan.Status.DRAFT:
        raise DomainError(_("Submit the action plan before turning it into an initiative."))
    if Initiative.objects.filter(action_plan=plan).exists():
        raise DomainError(_("This action plan is already an initiative."))
    participant = plan.participant
    community = values.pop("community", None) or participant.community
    if community is None:
        raise DomainError(_("Choose the community the initiative belongs to."), field="community")
    programme = participant.cohort.programme
    values = {key: value for key, value in values.items() if value not in ("", None)}
    if not any(values.get(f"title_{lang}") for lang in LANGS):
        values["title_be"] = plan.title
    values.setdefault("summary_be", plan.goals[:300])
    values.setdefault("funding_note", (_("Action plan in %(programme)s") % {"programme": programme})[:300])
    values["community"] = community
    # The participant's own initiative has no organisation; one the programme's organisers start is
    # the lead organisation's.
    organisation = None if participant.person.user_id == actor.pk else programme.organisation
    initiative = _create(
        actor=actor, organisation=organisation, values=values, action_plan=plan, action="started_from_plan"
    )
    InitiativeOrganiser.objects.create(initiative=initiative, person=participant.person)
    return initiative


# --- Activities (events) ---------------------------------------------------------------------------------


@transaction.atomic
def link_event(*, actor, initiative: Initiative, event, kind: str = InitiativeActivity.Kind.OTHER):
    """Make an existing event of the initiative's organisation (or its partners') one of its activities."""
    _require_manager(actor, initiative)
    allowed = {initiative.organisation_id, *initiative.partners.values_list("pk", flat=True)} - {None}
    if event.organisation_id not in allowed and not actor.is_staff:
        raise DomainError(_("Choose an event of the initiative's organisation or of a partner."))
    if InitiativeActivity.objects.filter(initiative=initiative, event=event).exists():
        raise DomainError(_("This event is already one of the initiative's activities."))
    activity = InitiativeActivity.objects.create(
        initiative=initiative, event=event, kind=kind, order=initiative.activities.count()
    )
    audit.record(
        actor=actor,
        action="initiatives.activity.linked",
        target=initiative,
        scope=_scope(initiative),
        data={"event": event.slug, "kind": kind},
    )
    return activity


@transaction.atomic
def create_activity(*, actor, initiative: Initiative, kind: str, **event_values):
    """Create an event for the initiative through the events services (published, in the initiative's
    community) and link it in the same step."""
    from hramada.events import services as events

    _require_manager(actor, initiative)
    if initiative.organisation_id is None:
        raise DomainError(
            _("Events belong to an organisation: this initiative has none, so link events instead.")
        )
    community = initiative.community
    event_values.setdefault("community", community)
    event_values.setdefault("settlement", community.settlement)
    event_values.setdefault("status", "published")
    event = events.save_event(actor=actor, organisation=initiative.organisation, **event_values)
    return link_event(actor=actor, initiative=initiative, event=event, kind=kind)


@transaction.atomic
def unlink_activity(*, actor, activity: InitiativeActivity) -> None:
    """The event stays; it is no longer shown as the initiative's activity."""
    initiative = activity.initiative
    _require_manager(actor, initiative)
    event = activity.event
    activity.delete()
    audit.record(
        actor=actor,
        action="initiatives.activity.unlinked",
        target=initiative,
        scope=_scope(initiative),
        data={"event": event.slug},
    )


# --- Budget ---------------------------------------------------------------------------------------------------


@transaction.atomic
def add_budget_line(
    *, actor, initiative: Initiative, title: str, planned, currency: str = "BYN"
) -> BudgetLine:
    """A budget line with its planned amount (not negative)."""
    _require_manager(actor, initiative)
    if planned is None or Decimal(planned) < 0:
        raise DomainError(_("The planned amount cannot be negative."), field="planned")
    if not title.strip():
        raise DomainError(_("Name the budget line."), field="title")
    line = BudgetLine.objects.create(
        initiative=initiative,
        title=title.strip()[:200],
        planned=planned,
        currency=(currency or "BYN").upper()[:3],
    )
    audit.record(
        actor=actor,
        action="initiatives.budget_line.added",
        target=line,
        scope=_scope(initiative),
        data={"planned": str(line.planned), "currency": line.currency},
    )
    return line


@transaction.atomic
def change_budget_line(*, actor, line: BudgetLine, title: str, planned) -> BudgetLine:
    """A line's new title or planned amount (audited with the old amount)."""
    _require_manager(actor, line.initiative)
    if planned is None or Decimal(planned) < 0:
        raise DomainError(_("The planned amount cannot be negative."), field="planned")
    line = _lock(BudgetLine, line.pk)
    before = str(line.planned)
    line.title, line.planned = (title.strip() or line.title)[:200], planned
    line.save()
    audit.record(
        actor=actor,
        action="initiatives.budget_line.changed",
        target=line,
        scope=_scope(line.initiative),
        data={"planned_before": before, "planned": str(line.planned)},
    )
    return line


def clean_receipt(upload):
    """A receipt is a PDF without active content or an image (re-encoded without metadata)."""
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    try:
        if head == PDF_MAGIC:
            check_pdf(upload)
            return upload, "pdf"
        return validate_image(upload), "image"
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="receipt") from None


@transaction.atomic
def record_expense(*, actor, line: BudgetLine, amount, spent_on, note: str, receipt=None) -> Expense:
    """An amount spent on a budget line, with its date, what was bought and a private receipt file."""
    _require_manager(actor, line.initiative)
    if amount is None or Decimal(amount) <= 0:
        raise DomainError(_("The amount must be more than zero."), field="amount")
    if not note.strip():
        raise DomainError(_("Say what was bought."), field="note")
    expense = Expense(line=line, amount=amount, spent_on=spent_on, note=note.strip()[:300], recorded_by=actor)
    if receipt is not None:
        cleaned, _kind = clean_receipt(receipt)
        expense.receipt.save(cleaned.name, cleaned, save=False)
    expense.save()
    audit.record(
        actor=actor,
        action="initiatives.expense.recorded",
        target=line,
        scope=_scope(line.initiative),
        data={"expense": expense.public_id, "amount": str(expense.amount), "receipt": bool(expense.receipt)},
    )
    return expense


@transaction.atomic
def delete_expense(*, actor, expense: Expense) -> None:
    """Remove a wrongly entered expense (the audit log keeps its amount and note)."""
    line = expense.line
    _require_manager(actor, line.initiative)
    data = {"expense": expense.public_id, "amount": str(expense.amount), "note": expense.note}
    receipt = expense.receipt.name
    expense.delete()
    if receipt:
        transaction.on_commit(lambda: expense.receipt.storage.delete(receipt))
    audit.record(
        actor=actor,
        action="initiatives.expense.deleted",
        target=line,
        scope=_scope(line.initiative),
        data=data,
    )


# --- Story updates -----------------------------------------------------------------------------------------


@transaction.atomic
def post_update(*, actor, initiative: Initiative, text: str, photo=None) -> StoryUpdate:
    """A dated update of the public story, with an optional photo (re-encoded without metadata)."""
    _require_manager(actor, initiative)
    if not text.strip():
        raise DomainError(_("Write what happened."), field="text")
    update = StoryUpdate(initiative=initiative, author=getattr(actor, "person", None), text=text.strip())
    if photo is not None:
        try:
            cleaned = validate_image(photo)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), field="photo") from None
        update.photo.save(cleaned.name, cleaned, save=False)
    update.save()
    audit.record(
        actor=actor,
        action="initiatives.update.posted",
        target=initiative,
        scope=_scope(initiative),
        data={"update": update.public_id, "photo": bool(update.photo)},
    )
    return update


@transaction.atomic
def delete_update(*, actor, update: StoryUpdate) -> None:
    initiative = update.initiative
    _require_manager(actor, initiative)
    photo = update.photo.name
    update.delete()
    if photo:
        transaction.on_commit(lambda: update.photo.storage.delete(photo))
    audit.record(
        actor=actor,
        action="initiatives.update.deleted",
        target=initiative,
        scope=_scope(initiative),
        data={"update": update.public_id},
    )


# --- Volunteers: roles, shifts, sign-ups, hours --------------------------------------------------------


@transaction.atomic
def add_role(*, actor, initiative: Initiative, **values) -> VolunteerRole:
    """A volunteer role (what volunteers do), with its title and description per language."""
    _require_manager(actor, initiative)
    role = VolunteerRole(initiative=initiative)
    set_translated(
        role, "title", values, required_message=_("Give the role a title in at least one language.")
    )
    set_translated(role, "description", values)
    role.save()
    audit.record(actor=actor, action="initiatives.role.added", target=role, scope=_scope(initiative))
    return role


@transaction.atomic
def add_shift(*, actor, role: VolunteerRole, starts_at, ends_at, capacity: int) -> Shift:
    """A shift of a role: it ends after it starts and needs at least one volunteer."""
    _require_manager(actor, role.initiative)
    if ends_at <= starts_at:
        raise DomainError(_("The shift must end after it starts."), field="ends_at")
    if capacity is None or capacity < 1:
        raise DomainError(_("A shift needs at least one volunteer."), field="capacity")
    shift = Shift.objects.create(role=role, starts_at=starts_at, ends_at=ends_at, capacity=capacity)
    audit.record(
        actor=actor,
        action="initiatives.shift.added",
        target=role,
        scope=_scope(role.initiative),
        data={"shift": shift.public_id, "starts_at": starts_at.isoformat(), "capacity": capacity},
    )
    return shift


@transaction.atomic
def change_capacity(*, actor, shift: Shift, capacity: int) -> Shift:
    """More or fewer places in a shift, never fewer than the volunteers already signed up."""
    _require_manager(actor, shift.role.initiative)
    shift = _lock_shift(shift.pk)
    if capacity is None or capacity < max(1, shift.signed_up_count):
        raise DomainError(
            _("%(n)s volunteers are signed up: the shift cannot have fewer places.")
            % {"n": shift.signed_up_count},
            field="capacity",
        )
    before = shift.capacity
    Shift.objects.filter(pk=shift.pk).update(capacity=capacity)
    shift.capacity = capacity
    audit.record(
        actor=actor,
        action="initiatives.shift.capacity_changed",
        target=shift.role,
        scope=_scope(shift.role.initiative),
        data={"shift": shift.public_id, "before": before, "capacity": capacity},
    )
    return shift


def _lock_shift(pk) -> Shift:
    """The shift row, locked until the transaction ends: sign-ups and cancellations of one shift
    queue here, so each counts what the previous one wrote."""
    return (
        Shift.objects.select_for_update(no_key=True, of=("self",))
        .select_related("role__initiative")
        .get(pk=pk)
    )


def _taken(shift: Shift, person) -> tuple[int, bool]:
    """The shift's active sign-ups, and whether the person holds one (read under the shift's lock)."""
    active = ShiftSignup.objects.filter(shift=shift, cancelled_at__isnull=True)
    return active.count(), active.filter(person=person).exists()


def _recount(shift: Shift) -> int:
    count = ShiftSignup.objects.filter(shift=shift, cancelled_at__isnull=True).count()
    Shift.objects.filter(pk=shift.pk).update(signed_up_count=count)
    shift.signed_up_count = count
    return count


def full_message() -> str:
    return _("This shift is full. Nothing was saved; choose another shift.")


def sign_up(*, actor, shift: Shift) -> ShiftSignup:
    """A signed-in person volunteers for a shift of a published initiative, while it has places and
    has not started; once per person and shift."""
    if actor is None or not actor.is_authenticated or getattr(actor, "person", None) is None:
        raise DomainError(_("Sign in to volunteer."))
    person = actor.person
    try:
        with transaction.atomic():
            shift = _lock_shift(shift.pk)
            if shift.role.initiative.published_at is None:
                raise DomainError(_("This initiative is not open for volunteers."))
            if shift.starts_at <= timezone.now():
                raise DomainError(_("This shift has already started."))
            taken, already = _taken(shift, person)
            if already:
                raise DomainError(_("You are already signed up for this shift."))
            if taken >= shift.capacity:
                raise DomainError(full_message())
            signup = ShiftSignup.objects.create(shift=shift, person=person)
            # The count read under the lock, plus this one: the lock is what makes it right.
            Shift.objects.filter(pk=shift.pk).update(signed_up_count=taken + 1)
            shift.signed_up_count = taken + 1
    except IntegrityError as exc:
        constraint = violated_constraint(exc, ShiftSignup, Shift)
        if constraint == "shift_signup_once_while_active":
            raise DomainError(_("You are already signed up for this shift.")) from None
        if constraint == "shift_not_overbooked":
            raise DomainError(full_message()) from None
        logger.error("Shift sign-up refused by the database (constraint %s): %s", constraint, exc)
        raise DomainError(
            _("The sign-up could not be saved. Nothing was changed; please try again.")
        ) from None
    signup.shift = shift
    return signup


@transaction.atomic
def cancel_signup(*, actor, signup: ShiftSignup) -> ShiftSignup:
    """The volunteer cancels before the shift starts, or an organiser cancels for them (audited);
    the place is free again at once."""
    shift = _lock_shift(signup.shift_id)
    signup = ShiftSignup.objects.select_for_update(no_key=True).select_related("person").get(pk=signup.pk)
    own = actor is not None and actor.is_authenticated and signup.person.user_id == actor.pk
    organiser = can_manage(actor, shift.role.initiative)
    if not own and not organiser:
        raise DomainError(_("Only the volunteer or the initiative's organisers can cancel this."))
    if signup.cancelled_at is not None:
        raise DomainError(_("This sign-up is already cancelled."))
    if not organiser and shift.starts_at <= timezone.now():
        raise DomainError(_("The shift has started; ask the organisers."))
    signup.cancelled_at = timezone.now()
    signup.save(update_fields=["cancelled_at", "updated_at"])
    _recount(shift)
    if not own:
        audit.record(
            actor=actor,
            action="initiatives.signup.cancelled",
            target=signup.person,
            scope=_scope(shift.role.initiative),
            data={"shift": shift.public_id},
        )
    return signup


@transaction.atomic
def record_hours(*, actor, signup: ShiftSignup, hours) -> ShiftSignup:
    """Organisers record the hours a volunteer gave in a shift that has started (0-24)."""
    shift = signup.shift
    _require_manager(actor, shift.role.initiative)
    signup = ShiftSignup.objects.select_for_update(no_key=True).select_related("person").get(pk=signup.pk)
    if signup.cancelled_at is not None:
        raise DomainError(_("This sign-up was cancelled."))
    if shift.starts_at > timezone.now():
        raise DomainError(_("Hours can be recorded once the shift has started."))
    hours = Decimal(hours) if hours is not None else None
    if hours is None or hours < 0 or hours > MAX_HOURS:
        raise DomainError(_("Give the hours as a number from 0 to 24."), field="hours")
    before = signup.hours
    signup.hours, signup.hours_recorded_by = hours, actor
    signup.save(update_fields=["hours", "hours_recorded_by", "updated_at"])
    audit.record(
        actor=actor,
        action="initiatives.hours.recorded",
        target=signup.person,
        scope=_scope(shift.role.initiative),
        data={
            "shift": shift.public_id,
            "hours": str(hours),
            "before": str(before) if before is not None else None,
        },
    )
    return signup


def remind_volunteers(now=None) -> int:
    """Periodic job: e-mail the volunteers of each shift that starts within the next day, once per
    shift (``Shift.reminded_at``); returns the number of shifts reminded."""
    now = now or timezone.now()
    done = 0
    due = Shift.objects.filter(
        reminded_at__isnull=True, starts_at__gt=now, starts_at__lte=now + timedelta(days=1)
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            # Another runner may hold or have reminded it: skip, never remind twice.
            shift = (
                Shift.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, reminded_at__isnull=True)
                .first()
            )
            if shift is None:
                continue
            Shift.objects.filter(pk=pk).update(reminded_at=now)
            for signup_id in shift.signups.filter(cancelled_at__isnull=True).values_list("pk", flat=True):
                enqueue_on_commit(tasks.send_shift_reminder, signup_id)
            done += 1
    return done


# --- Personal data -------------------------------------------------------------------------------------


def export_person(person) -> dict:
    return {
        "organiser_of": [
            {"initiative": str(o.initiative), "role": o.role}
            for o in person.initiative_roles.select_related("initiative")
        ],
        "volunteer_shifts": [
            {
                "initiative": str(s.shift.role.initiative),
                "role": str(s.shift.role),
                "starts_at": s.shift.starts_at.isoformat(),
                "ends_at": s.shift.ends_at.isoformat(),
                "signed_up_at": s.created_at.isoformat(),
                "cancelled_at": s.cancelled_at.isoformat() if s.cancelled_at else None,
                "hours": str(s.hours) if s.hours is not None else None,
            }
            for s in person.shift_signups.select_related("shift__role__initiative")
        ],
    }


def erase_person(person) -> None:
    """Organiser roles go; shift sign-ups and hours stay with the pseudonymised person (the totals of
    hours and volunteers stay right); the person's name leaves the story updates' author field."""
    person.initiative_roles.all().delete()
    StoryUpdate.objects.filter(author=person).update(author=None)

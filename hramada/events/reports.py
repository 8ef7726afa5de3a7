"""Organiser-only reads and exports: registration counts, check-in lists, feedback results, CSV and XLSX.

Nothing here writes. Exports hold no sensitive fields (gender, disability, birth year, e-mail).
"""

import csv
import io
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.people.models import Person
from hramada.questions.models import Answer, Question
from hramada.questions.services import display_value

from .models import ACTIVE, CheckIn, Registration, RegistrationStatus, Session, SessionSignup

S = RegistrationStatus


def registration_counts(event) -> dict:
    """{status: count} for every status (zeros included), plus "all"."""
    rows = dict(event.registrations.values_list("status").annotate(n=Count("id")).order_by())
    counts = {value: rows.get(value, 0) for value, _label in S.choices}
    counts["all"] = sum(rows.values())
    return counts


def status_rows(event) -> list[tuple[str, str, int]]:
    counts = registration_counts(event)
    return [(value, label, counts[value]) for value, label in S.choices]


def seats_left(event) -> int | None:
    if event.capacity is None:
        return None
    return max(event.capacity - event.confirmed_count, 0)


def manageable_events(organisation):
    return organisation.events.select_related("series").order_by("-starts_at")


def programme(event):
    """Sessions grouped by local day: [(date, [sessions])], speakers (all, shown or not) prefetched."""
    sessions = (
        event.sessions.select_related("track")
        .prefetch_related("speakers__person")
        .order_by("starts_at", "track__order", "id")
    )
    days: dict = {}
    for session in sessions:
        days.setdefault(timezone.localtime(session.starts_at).date(), []).append(session)
    return list(days.items())


def speaker_candidates(event):
    """People an organiser may pick as a speaker or a book: their members, this event's people, past speakers.

    Never the whole directory: organisers see only people already connected to their work.
    """
    org = event.organisation
    return (
        Person.objects.filter(erased_at__isnull=True)
        .filter(
            Q(memberships__organisation=org)
            | Q(registrations__event=event)
            | Q(talks__session__event__organisation=org)
            | Q(books__event__organisation=org)
        )
        .distinct()
        .order_by("display_name")
    )


def signup_sessions(event):
    return event.sessions.filter(needs_signup=True).order_by("starts_at")


def checkin_people(event, *, session: Session | None = None, q: str = ""):
    """Confirmed registrations to check in (for a session: people with a confirmed seat in it)."""
    qs = event.registrations.filter(status=S.CONFIRMED).select_related("person__home_settlement")
    if session is not None:
        qs = qs.filter(
            person__in=SessionSignup.objects.filter(session=session, status=S.CONFIRMED).values("person")
        )
    q = q.strip()
    if q:
        qs = qs.filter(Q(person__display_name__icontains=q) | Q(ticket_code=q))
    return qs.order_by("person__display_name", "id")


def checked_in_map(event, *, session: Session | None = None) -> dict:
    """{registration id: check-in time} for the event (or one session)."""
    qs = CheckIn.objects.filter(registration__event=event)
    qs = qs.filter(session=session) if session is not None else qs.filter(session__isnull=True)
    return dict(qs.values_list("registration_id", "at"))


def participant_rows(event) -> list[list]:
    """The export: name, settlement, region, status, checked-in time. Active registrations, by name."""
    regs = (
        event.registrations.filter(status__in=ACTIVE)
        .select_related("person__home_settlement__region")
        .order_by("person__display_name", "id")
    )
    rows = []
    for r in regs:
        settlement = r.person.home_settlement
        rows.append(
            [
                str(r.person),
                settlement.name if settlement else "",
                settlement.region.name if settlement else "",
                r.get_status_display(),
                timezone.localtime(r.checked_in_at).strftime("%Y-%m-%d %H:%M") if r.checked_in_at else "",
            ]
        )
    return rows


def export_header() -> list[str]:
    return [_("Name"), _("Settlement"), _("Region"), _("Status"), _("Checked in")]


def _safe_cell(value):
    """Spreadsheets run cells that start with = + - @ as formulas; a leading apostrophe keeps them text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_csv(event) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(export_header())
    for row in participant_rows(event):
        writer.writerow([_safe_cell(v) for v in row])
    return "\ufeff" + out.getvalue()  # BOM: spreadsheet programs then read the file as UTF-8


def export_xlsx(event) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Participants")[:31]
    ws.append(export_header())
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in participant_rows(event):
        ws.append([_safe_cell(v) for v in row])
    for column, width in zip("ABCDE", (32, 24, 24, 22, 18), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def feedback_summary(event) -> dict | None:
    """Results of the event's feedback survey: counts per option, averages, the written answers.

    Only responses linked to this event's registrations count (a form can serve several events).
    """
    form = event.feedback_form
    if form is None:
        return None
    return summarise_answers(form, form.responses.filter(feedback_of__event=event))


def summarise_answers(form, responses) -> dict:
    """Counts per option, averages of numbers, ticked consents and the written answers of ``responses``
    to ``form`` (also used by the programmes' residents' surveys)."""
    questions = list(form.questions.order_by("order", "id"))
    answers = Answer.objects.filter(response__in=responses).select_related("question")
    by_question: dict[int, list] = {q.pk: [] for q in questions}
    for answer in answers:
        by_question.setdefault(answer.question_id, []).append(answer)
    items = []
    for q in questions:
        given = by_question[q.pk]
        item = {"question": q, "kind": q.kind, "answered": len(given)}
        if q.kind in (Question.Kind.CHOICE, Question.Kind.MULTI_CHOICE):
            counter: Counter = Counter()
            for a in given:
                values = a.value if isinstance(a.value, list) else [a.value]
                counter.update(v for v in values if isinstance(v, int))
            item["options"] = [(label, counter.get(i, 0)) for i, label in enumerate(q.choice_list())]
        elif q.kind in (Question.Kind.NUMBER, Question.Kind.BUDGET):
            numbers = []
            for a in given:
                try:
                    numbers.append(Decimal(str(a.value)))
                except (InvalidOperation, ValueError):
                    continue
            item["count"] = len(numbers)
            item["average"] = (sum(numbers) / len(numbers)).quantize(Decimal("0.01")) if numbers else None
        elif q.kind == Question.Kind.CONSENT:
            item["yes"] = sum(1 for a in given if a.value)
        elif q.kind == Question.Kind.FILE:
            item["files"] = len([a for a in given if a.file])
        else:
            item["texts"] = [display_value(a) for a in given if a.value not in (None, "")]
        items.append(item)
    return {"form": form, "responses": responses.count(), "items": items}


def answer_rows(registration) -> list[tuple[str, str, str]]:
    """(question, answer, file download address or "") of a registration form, from prefetched answers."""
    if registration.response_id is None:
        return []
    answers = sorted(registration.response.answers.all(), key=lambda a: (a.question.order, a.question_id))
    return [(a.question.label, display_value(a), a.file_url if a.file else "") for a in answers]


def registration_by_public_id(event, public_id: str) -> Registration | None:
    return event.registrations.select_related("person", "event").filter(public_id=public_id).first()

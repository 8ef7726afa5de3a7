"""Organiser pages for events: editing, programme, registrations, check-in, attendance, Human Library.

Every page needs ``events.manage_event`` on the event (or ``events.add_event`` on the organisation);
the middleware has already required two-factor authentication for ``/manage/``.
"""

import json
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hramada.core.errors import DomainError
from hramada.core.pagination import paginate
from hramada.orgs.models import Organisation
from hramada.people import services as people_services

from .. import reports, selectors, services
from ..forms import (
    BookForm,
    CheckinForm,
    DecisionForm,
    EventForm,
    PersonPickForm,
    RegistrationFilterForm,
    SessionForm,
    SlotForm,
    SpeakerForm,
    StaffEntryForm,
    TrackForm,
)
from ..models import Book, ReadingSlot, RegistrationStatus, Session, Speaker, Track

SYNC_MAX_ITEMS = 200


def _event_for(request, slug):
    event = selectors.event_by_slug(slug, published_only=False)
    if event is None:
        raise Http404
    if not request.user.has_perm("events.manage_event", event):
        raise PermissionDenied
    return event


def _org_for(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("events.add_event", organisation):
        raise PermissionDenied
    return organisation


def _posted(request):
    """The submitted data on POST (even when empty, so the form reports what is missing), else None."""
    return request.POST if request.method == "POST" else None


def _form_error(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _flash_form_errors(request, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


# --- Events ---------------------------------------------------------------------------------------------


@login_required
def org_events(request, slug):
    organisation = _org_for(request, slug)
    page = paginate(request, reports.manageable_events(organisation), per_page=50)
    return render(request, "events/manage/org_events.html", {"organisation": organisation, "page": page})


def _save_event_from(request, form, *, organisation, event=None):
    values = form.service_values()
    new_series = (form.cleaned_data.get("new_series") or "").strip()
    with transaction.atomic():
        if new_series:
            values["series"] = services.create_series(
                actor=request.user,
                organisation=organisation,
                **{f"title_{request.LANGUAGE_CODE}": new_series},
            )
        return services.save_event(actor=request.user, organisation=organisation, event=event, **values)


@login_required
def event_new(request, slug):
    organisation = _org_for(request, slug)
    form = EventForm(_posted(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            event = _save_event_from(request, form, organisation=organisation)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request, _("The event is saved as %(status)s.") % {"status": event.get_status_display()}
            )
            return redirect("events:manage", slug=event.slug)
    return render(request, "events/manage/event_form.html", {"organisation": organisation, "form": form})


@login_required
def event_edit(request, slug):
    event = _event_for(request, slug)
    form = EventForm(_posted(request), instance=event, organisation=event.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            event = _save_event_from(request, form, organisation=event.organisation, event=event)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("events:manage", slug=event.slug)
    event.refresh_from_db()  # the form wrote unsaved values onto the instance
    return render(
        request,
        "events/manage/event_form.html",
        {"organisation": event.organisation, "event": event, "form": form},
    )


@login_required
def event_overview(request, slug):
    event = _event_for(request, slug)
    context = {
        "event": event,
        "statuses": reports.status_rows(event),
        "seats_left": reports.seats_left(event),
        "checked_in": selectors.checkin_count(event),
        "sessions": event.sessions.count(),
        "books": event.books.count(),
        "registration_open": services.registration_open(event),
    }
    return render(request, "events/manage/overview.html", context)


# --- Programme ------------------------------------------------------------------------------------------


@login_required
def programme(request, slug):
    event = _event_for(request, slug)
    track_form = TrackForm(_posted(request), prefix="track")
    if request.method == "POST" and track_form.is_valid():
        try:
            services.save_track(actor=request.user, event=event, **track_form.cleaned_data)
        except DomainError as exc:
            _form_error(track_form, exc)
        else:
            messages.success(request, _("Track added."))
            return redirect("events:programme", slug=slug)
    context = {
        "event": event,
        "days": reports.programme(event),
        "tracks": [(t, TrackForm(instance=t, prefix=f"t{t.pk}")) for t in event.tracks.all()],
        "track_form": track_form,
    }
    return render(request, "events/manage/programme.html", context)


@login_required
@require_POST
def track_edit(request, slug, track_id):
    event = _event_for(request, slug)
    track = get_object_or_404(Track, pk=track_id, event=event)
    try:
        if request.POST.get("delete"):
            services.delete_track(actor=request.user, track=track)
            messages.success(request, _("Track removed; its sessions stay in the programme."))
        else:
            form = TrackForm(request.POST, instance=track, prefix=f"t{track.pk}")
            if form.is_valid():
                track.refresh_from_db()
                services.save_track(actor=request.user, event=event, track=track, **form.cleaned_data)
                messages.success(request, _("Track saved."))
            else:
                _flash_form_errors(request, form)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("events:programme", slug=slug)


@login_required
def session_edit(request, slug, public_id=None):
    event = _event_for(request, slug)
    session = get_object_or_404(Session, public_id=public_id, event=event) if public_id else None
    form = SessionForm(_posted(request), instance=session, event=event)
    if request.method == "POST" and form.is_valid():
        if session is not None:
            session.refresh_from_db()
        try:
            session = services.save_session(
                actor=request.user, event=event, session=session, **form.cleaned_data
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Session saved."))
            return redirect("events:session_edit", slug=slug, public_id=session.public_id)
    if session is not None and session.pk:
        session.refresh_from_db()
    context = {
        "event": event,
        "session": session,
        "form": form,
        "speakers": session.speakers.select_related("person") if session else [],
        "speaker_form": SpeakerForm(candidates=reports.speaker_candidates(event), prefix="speaker"),
    }
    return render(request, "events/manage/session_form.html", context)


@login_required
@require_POST
def session_delete(request, slug, public_id):
    event = _event_for(request, slug)
    session = get_object_or_404(Session, public_id=public_id, event=event)
    try:
        services.delete_session(actor=request.user, session=session)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("events:session_edit", slug=slug, public_id=public_id)
    messages.success(request, _("Session deleted."))
    return redirect("events:programme", slug=slug)


def _picked_person(request, form):
    """The chosen person, or a new one created from the name typed in."""
    person = form.cleaned_data.get("person")
    if person is None:
        person = people_services.create_person(actor=request.user, display_name=form.cleaned_data["new_name"])
    return person


@login_required
@require_POST
def speaker_add(request, slug, public_id):
    event = _event_for(request, slug)
    session = get_object_or_404(Session, public_id=public_id, event=event)
    form = SpeakerForm(request.POST, candidates=reports.speaker_candidates(event), prefix="speaker")
    if form.is_valid():
        try:
            with transaction.atomic():
                person = _picked_person(request, form)
                services.set_speaker(
                    actor=request.user,
                    session=session,
                    person=person,
                    shown_publicly=form.cleaned_data["shown_publicly"],
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Speaker saved."))
    else:
        _flash_form_errors(request, form)
    return redirect("events:session_edit", slug=slug, public_id=public_id)


@login_required
@require_POST
def speaker_remove(request, slug, public_id, speaker_id):
    event = _event_for(request, slug)
    speaker = get_object_or_404(Speaker, pk=speaker_id, session__public_id=public_id, session__event=event)
    services.remove_speaker(actor=request.user, speaker=speaker)
    messages.success(request, _("Speaker removed."))
    return redirect("events:session_edit", slug=slug, public_id=public_id)


# --- Registrations --------------------------------------------------------------------------------------


@login_required
def registrations(request, slug):
    event = _event_for(request, slug)
    filters = RegistrationFilterForm(request.GET or None)
    status, q = "", ""
    if filters.is_valid():
        status, q = filters.cleaned_data["status"], filters.cleaned_data["q"].strip()
    page = paginate(
        request,
        selectors.registrations(event, status=status, q=q).prefetch_related("response__answers__question"),
        per_page=50,
    )
    for registration in page.object_list:
        registration.answer_rows = reports.answer_rows(registration)
    context = {
        "event": event,
        "filters": filters,
        "page": page,
        "statuses": reports.status_rows(event),
        "seats_left": reports.seats_left(event),
        "S": RegistrationStatus,
        "back": request.get_full_path(),
    }
    return render(request, "events/manage/registrations.html", context)


def _back_to_list(request, slug):
    back = request.POST.get("next", "")
    prefix = reverse("events:registrations", args=[slug])
    return redirect(back if back.startswith(prefix) else prefix)


@login_required
@require_POST
def registration_decide(request, slug, public_id):
    event = _event_for(request, slug)
    registration = reports.registration_by_public_id(event, public_id)
    if registration is None:
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    approve = form.cleaned_data["approve"]
    try:
        services.decide(actor=request.user, registration=registration, approve=approve)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        msg = _("%(name)s is accepted.") if approve else _("%(name)s is declined.")
        messages.success(request, msg % {"name": registration.person})
    return _back_to_list(request, slug)


@login_required
@require_POST
def registration_cancel(request, slug, public_id):
    event = _event_for(request, slug)
    registration = reports.registration_by_public_id(event, public_id)
    if registration is None:
        raise Http404
    try:
        services.cancel(actor=request.user, registration=registration)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The registration of %(name)s is cancelled.") % {"name": registration.person}
        )
    return _back_to_list(request, slug)


@login_required
def registration_new(request, slug):
    """Register someone without an account, from a phone call or a paper list."""
    event = _event_for(request, slug)
    form = StaffEntryForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                person = people_services.create_person(actor=request.user, **form.cleaned_data)
                registration = services.register(
                    event=event, person=person, actor=request.user, staff_entry=True
                )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is registered: %(status)s.")
                % {"name": person, "status": registration.get_status_display()},
            )
            if "another" in request.POST:
                return redirect("events:registration_new", slug=slug)
            return redirect("events:registrations", slug=slug)
    return render(request, "events/manage/registration_new.html", {"event": event, "form": form})


# --- Check-in -------------------------------------------------------------------------------------------


def _checkin_session(event, public_id):
    if not public_id:
        return None
    return get_object_or_404(Session, public_id=public_id, event=event)


@login_required
def checkin(request, slug):
    """Staff check people in on a phone: QR scan (JS), search by name, a button per person (works without JS)."""
    event = _event_for(request, slug)
    session = _checkin_session(event, request.POST.get("session") or request.GET.get("session"))
    if request.method == "POST":
        form = CheckinForm(request.POST)
        if form.is_valid():
            try:
                checkin, created = services.check_in(
                    actor=request.user,
                    event=event,
                    ticket_code=form.cleaned_data["code"],
                    client_id=form.cleaned_data["client_id"],
                    session=session,
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                name = checkin.registration.person
                if created:
                    messages.success(request, _("%(name)s is checked in.") % {"name": name})
                else:
                    messages.info(
                        request,
                        _("%(name)s was already checked in at %(time)s.")
                        % {"name": name, "time": timezone.localtime(checkin.at).strftime("%H:%M")},
                    )
        else:
            messages.error(request, _("The check-in form was incomplete. Try again."))
        url = reverse("events:checkin", args=[slug])
        params = {
            k: v
            for k, v in (("session", session.public_id if session else ""), ("q", request.POST.get("q", "")))
            if v
        }
        if params:
            url += "?" + urlencode(params)
        return redirect(url)
    q = request.GET.get("q", "")[:100]
    people = list(reports.checkin_people(event, session=session, q=q)[:100]) if q or session else []
    done = reports.checked_in_map(event, session=session)
    context = {
        "event": event,
        "session": session,
        "sessions": reports.signup_sessions(event),
        "q": q,
        "people": [(r, done.get(r.pk), uuid.uuid4().hex) for r in people],
        "searched": bool(q) or session is not None,
        "code_client_id": uuid.uuid4().hex,
        "checked_in": len(done),
        "expected": reports.checkin_people(event, session=session).count(),
    }
    if request.htmx:
        return render(request, "events/manage/_checkin_list.html", context)
    return render(request, "events/manage/checkin.html", context)


def _parse_item(item):
    if not isinstance(item, dict):
        return None
    client_id = str(item.get("client_id") or "")[:64]
    code = str(item.get("code") or "").strip()[:32]
    at = parse_datetime(str(item.get("at") or "")) if item.get("at") else None
    if at is not None and timezone.is_naive(at):
        at = timezone.make_aware(at)
    return client_id, code, at, str(item.get("session") or "")


@login_required
@require_POST
def checkin_sync(request, slug):
    """Check-ins queued on a phone, sent as JSON; each item is answered ok / already / error.

    Re-sending the same item (same client id) is safe: it is answered "already" and counted once.
    """
    event = _event_for(request, slug)
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": _("The data sent could not be read.")}, status=400)
    items = payload.get("items") if isinstance(payload, dict) else None
    if not isinstance(items, list) or len(items) > SYNC_MAX_ITEMS:
        return JsonResponse(
            {"error": _("Send a list of at most %(n)s check-ins.") % {"n": SYNC_MAX_ITEMS}}, status=400
        )
    sessions = {s.public_id: s for s in event.sessions.all()}
    results = []
    for raw in items:
        parsed = _parse_item(raw)
        if parsed is None:
            results.append({"client_id": "", "status": "error", "message": _("Unreadable check-in.")})
            continue
        client_id, code, at, session_id = parsed
        result = {"client_id": client_id, "code": code}
        if not client_id or not code:
            result.update(status="error", message=_("A check-in needs a ticket code and an id."))
        elif session_id and session_id not in sessions:
            result.update(status="error", message=_("This session is not part of the event."))
        else:
            try:
                checkin, created = services.check_in(
                    actor=request.user,
                    event=event,
                    ticket_code=code,
                    client_id=client_id,
                    at=at,
                    session=sessions.get(session_id),
                )
            except DomainError as exc:
                result.update(status="error", message=exc.message)
            else:
                result.update(
                    status="ok" if created else "already",
                    name=str(checkin.registration.person),
                    at=timezone.localtime(checkin.at).strftime("%H:%M"),
                )
        results.append(result)
    return JsonResponse({"results": results, "checked_in": selectors.checkin_count(event)})


# --- Attendance -----------------------------------------------------------------------------------------


@login_required
def attendance(request, slug):
    event = _event_for(request, slug)
    return render(
        request, "events/manage/attendance.html", {"event": event, "report": selectors.attendance(event)}
    )


@login_required
def attendance_export(request, slug, fmt):
    event = _event_for(request, slug)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(reports.export_csv(event), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            reports.export_xlsx(event),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-participants-{stamp}.{fmt}"'
    return response


# --- Human Library --------------------------------------------------------------------------------------


@login_required
def library(request, slug):
    event = _event_for(request, slug)
    book_form = BookForm(_posted(request), prefix="book")
    person_form = PersonPickForm(_posted(request), candidates=reports.speaker_candidates(event), prefix="who")
    if request.method == "POST" and book_form.is_valid() and person_form.is_valid():
        try:
            with transaction.atomic():
                person = _picked_person(request, person_form)
                book = services.save_book(
                    actor=request.user, event=event, person=person, **book_form.cleaned_data
                )
        except DomainError as exc:
            _form_error(book_form, exc)
        else:
            messages.success(request, _("Book added. Now add its reading times."))
            return redirect("events:book_edit", slug=slug, public_id=book.public_id)
    context = {
        "event": event,
        "books": selectors.library_catalogue(event),
        "book_form": book_form,
        "person_form": person_form,
    }
    return render(request, "events/manage/library.html", context)


@login_required
def book_edit(request, slug, public_id):
    event = _event_for(request, slug)
    book = get_object_or_404(Book.objects.select_related("person"), public_id=public_id, event=event)
    form = BookForm(_posted(request), instance=book, prefix="book")
    if request.method == "POST" and form.is_valid():
        book.refresh_from_db()
        try:
            services.save_book(actor=request.user, event=event, book=book, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Book saved."))
            return redirect("events:book_edit", slug=slug, public_id=public_id)
    book.refresh_from_db()
    slot_form = SlotForm(prefix="slot", initial={"capacity": 1})
    context = {
        "event": event,
        "book": book,
        "form": form,
        "slots": book.slots.order_by("starts_at"),
        "slot_form": slot_form,
    }
    return render(request, "events/manage/book_form.html", context)


@login_required
@require_POST
def slot_add(request, slug, public_id):
    event = _event_for(request, slug)
    book = get_object_or_404(Book, public_id=public_id, event=event)
    form = SlotForm(request.POST, prefix="slot")
    if form.is_valid():
        try:
            services.save_slot(actor=request.user, book=book, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Reading time added."))
    else:
        _flash_form_errors(request, form)
    return redirect("events:book_edit", slug=slug, public_id=public_id)


@login_required
@require_POST
def slot_delete(request, slug, public_id, slot_id):
    event = _event_for(request, slug)
    slot = get_object_or_404(ReadingSlot, public_id=slot_id, book__public_id=public_id, book__event=event)
    try:
        services.delete_slot(actor=request.user, slot=slot)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Reading time removed."))
    return redirect("events:book_edit", slug=slug, public_id=public_id)


@login_required
def feedback(request, slug):
    event = _event_for(request, slug)
    return render(
        request, "events/manage/feedback.html", {"event": event, "summary": reports.feedback_summary(event)}
    )

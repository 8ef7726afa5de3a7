"""What visitors and participants see: events, the programme, registration, tickets, Human Library, feeds."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hramada.core.errors import DomainError
from hramada.core.pagination import paginate
from hramada.core.replica import replica_view
from hramada.people import services as people_services
from hramada.questions.forms import AnswersForm

from .. import selectors, services
from ..models import ACTIVE, Event, ReadingSlot, Registration, RegistrationStatus, SessionSignup

S = RegistrationStatus


# --- helpers ---------------------------------------------------------------------------------------------


def _viewer(request):
    """The visitor's Person, or None (anonymous, or a login without a person yet)."""
    if not request.user.is_authenticated:
        return None
    return getattr(request.user, "person", None)


# What registering needs from the event row, read without the query compiler (the registration
# path is hot, see docs/architecture.md "Benchmarks"); other fields load on first use.
LEAN_EVENT_SQL = (
    "SELECT id, slug, status, organisation_id, starts_at, registration_mode, registration_opens_at, "
    "registration_closes_at, registration_form_id FROM events_event WHERE slug = %s"
)


def _event_or_404(request, slug, *, lean: bool = False) -> Event:
    """Published and cancelled events are public; drafts only for their organisers (a preview).

    ``lean``: just the event row, for actions that redirect (no page to render).
    """
    if lean:
        event = next(iter(Event.objects.raw(LEAN_EVENT_SQL, [slug])), None)
    else:
        event = selectors.event_page(slug)
    if event is None:
        raise Http404
    if event.status == Event.Status.DRAFT and not request.user.has_perm("events.manage_event", event):
        raise Http404
    return event


def _back(request, fallback: str, *, ok: bool = True):
    """Redirect to the page the form came from (``next``), if it is on this site; otherwise ``fallback``.

    After a refusal the ``#anchor`` is dropped: the page opens at the top, where the message is.
    """
    target = request.POST.get("next") or request.GET.get("next")
    if not (
        target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        target = fallback
    return redirect(target if ok else target.split("#")[0])


def _detail_url(event, anchor: str = "") -> str:
    url = reverse("events:detail", args=[event.slug])
    return f"{url}#{anchor}" if anchor else url


def _registered_message(registration) -> str:
    if registration.status == S.CONFIRMED:
        return _("You are registered. Your ticket is on this page and in your e-mail.")
    if registration.status == S.WAITLISTED:
        # The number in the queue is in the registration box the redirect lands on.
        return _("All places are taken: you are on the waiting list. We will write if a place frees up.")
    if registration.status == S.PENDING:
        return _("Your application is sent. The organisers will let you know their decision.")
    return registration.get_status_display()


def _detail_context(request, event, *, form=None) -> dict:
    person = _viewer(request)
    box = selectors.registration_box(event, person)
    if form is None and box["state"] == "open" and event.registration_form_id:
        form = AnswersForm(form_definition=event.registration_form)
    by = "track" if request.GET.get("by") == "track" else "time"
    return {
        "event": event,
        "box": box,
        "form": form,
        "by": by,
        "programme": selectors.programme(event, person=person, by=by),
        "has_library": selectors.has_library(event),
        "feedback_open": bool(event.feedback_form_id) and event.status == Event.Status.PUBLISHED,
        "page_url": settings.SITE_URL + request.path,
        "can_manage": request.user.has_perm("events.manage_event", event),
    }


# --- event list and page ---------------------------------------------------------------------------------


@replica_view  # a public list: anonymous visitors' copies may be a moment old
@require_GET
def event_list(request):
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    page = paginate(request, selectors.public_events(when=when))
    return render(request, "events/public/list.html", {"page": page, "when": when})


@require_GET
def event_detail(request, slug):
    """The event page. Anonymous visitors get a copy rendered once per version of the event.

    The cache is in each app server's own memory, and its key holds the event's ``updated_at`` (moved
    by every change to what the page shows, see signals.py) and the places taken, both read from
    the database: a change made through any app server is seen by all at once.
    """
    if request.user.is_authenticated or list(messages.get_messages(request)):
        return render(
            request, "events/public/detail.html", _detail_context(request, _event_or_404(request, slug))
        )
    key = selectors.public_page_cache_key(slug, f"{translation.get_language()}:{request.GET.urlencode()}")
    html = caches["pages"].get(key) if key else None
    if html is not None:
        return HttpResponse(html)
    response = render(
        request, "events/public/detail.html", _detail_context(request, _event_or_404(request, slug))
    )
    if key:
        caches["pages"].set(key, response.content, 600)
    return response


# --- registration ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def register(request, slug):
    """Register the visitor, answering the event's registration form when it has one."""
    event = _event_or_404(request, slug, lean=True)
    if request.method == "GET":  # e.g. back from the log-in page
        return redirect(_detail_url(event, "registration"))
    person = people_services.ensure_person(request.user)
    form = None
    answers = None
    if event.registration_form_id:
        form = AnswersForm(request.POST, request.FILES, form_definition=event.registration_form)
        if not form.is_valid():
            return render(
                request,
                "events/public/detail.html",
                _detail_context(request, selectors.event_page(slug), form=form),
            )
        answers = form.answers()
    try:
        registration = services.register(event=event, person=person, actor=request.user, answers=answers)
    except DomainError as exc:
        if form is not None:
            form.add_error(None, exc.message)
            return render(
                request,
                "events/public/detail.html",
                _detail_context(request, selectors.event_page(slug), form=form),
            )
        messages.error(request, exc.message)
        return redirect(_detail_url(event))
    level = messages.SUCCESS if registration.status == S.CONFIRMED else messages.INFO
    messages.add_message(request, level, _registered_message(registration))
    return redirect(_detail_url(event, "registration"))


def _my_active_registration(event, request):
    registration = selectors.registration_for(event, _viewer(request))
    if registration is None or registration.status not in ACTIVE:
        return None
    return registration


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, slug):
    """Cancel one's own registration; GET shows a confirmation page (works without JavaScript)."""
    event = _event_or_404(request, slug)
    registration = _my_active_registration(event, request)
    if registration is None:
        messages.info(request, _("You have no registration to cancel."))
        return redirect(_detail_url(event, "registration"))
    if request.method == "GET":
        return render(request, "events/public/cancel.html", {"event": event, "registration": registration})
    try:
        services.cancel(actor=request.user, registration=registration)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_detail_url(event))
    messages.success(request, _("Your registration is cancelled. Thank you for freeing the place."))
    return redirect(_detail_url(event))


@login_required
@require_POST
def accept_offer(request, slug):
    """The person offered a freed place confirms it; their ticket is then valid."""
    event = _event_or_404(request, slug)
    registration = _my_active_registration(event, request)
    if registration is None:
        raise Http404
    try:
        registration = services.accept_offer(actor=request.user, registration=registration)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_detail_url(event))
    messages.success(request, _("The place is yours. See you at the event!"))
    return redirect("events:ticket", event.slug, registration.ticket_code)


@never_cache
def ticket(request, slug, code):
    """The ticket is its unguessable code: whoever holds the link (the e-mail) can show the QR code."""
    registration = get_object_or_404(
        Registration.objects.select_related("event__organisation", "person"),
        event__slug=slug,
        ticket_code=code,
    )
    event = registration.event
    qr = None
    if registration.status == S.CONFIRMED:
        qr = segno.make(registration.ticket_code, error="m").svg_inline(
            scale=8, border=2, title=_("Ticket code")
        )
    viewer = _viewer(request)
    return render(
        request,
        "events/public/ticket.html",
        {
            "registration": registration,
            "event": event,
            "qr": qr,
            "is_own": viewer is not None and viewer.pk == registration.person_id,
            "position": selectors.waiting_position(registration),
        },
    )


# --- programme and session sign-ups ----------------------------------------------------------------------


def _session_response(request, event, session_id, notice: str, ok: bool):
    """htmx: the refreshed session card with the notice inside it; otherwise a message and a redirect."""
    if request.htmx:
        session = selectors.session_card(event, session_id, person=_viewer(request))
        if session is None:
            raise Http404
        return render(
            request,
            "events/public/_session.html",
            {
                "s": session,
                "event": event,
                "notice": notice,
                "notice_ok": ok,
                "level": 5 if request.POST.get("level") == "5" else 4,
                "back": _detail_url(event),
            },
        )
    messages.add_message(request, messages.SUCCESS if ok else messages.ERROR, notice)
    return _back(request, _detail_url(event, f"session-{session_id}"), ok=ok)


@login_required
@require_POST
def session_signup(request, slug, session_id):
    event = _event_or_404(request, slug)
    session = get_object_or_404(event.sessions.select_related("event"), public_id=session_id)
    person = people_services.ensure_person(request.user)
    try:
        signup = services.signup_session(session=session, person=person, actor=request.user)
    except DomainError as exc:
        return _session_response(request, event, session_id, exc.message, ok=False)
    if signup.status == S.CONFIRMED:
        notice = _("You have a seat in “%(title)s”.") % {"title": session}
    else:
        notice = _("“%(title)s” is full: you are on its waiting list.") % {"title": session}
    return _session_response(request, event, session_id, notice, ok=True)


@login_required
@require_POST
def session_leave(request, slug, session_id):
    event = _event_or_404(request, slug)
    signup = SessionSignup.objects.filter(
        session__event=event,
        session__public_id=session_id,
        person=_viewer(request),
        status__in=ACTIVE,
    ).first()
    if signup is None:
        return _session_response(
            request, event, session_id, _("You are not signed up for this session."), ok=False
        )
    try:
        services.cancel_signup(actor=request.user, signup=signup)
    except DomainError as exc:
        return _session_response(request, event, session_id, exc.message, ok=False)
    return _session_response(
        request, event, session_id, _("You left the session; your seat went to someone else."), ok=True
    )


@never_cache
@login_required
@require_GET
def my_programme(request, slug):
    """My registration, session sign-ups and Human Library bookings at this event, and my calendar feed."""
    event = _event_or_404(request, slug)
    person = _viewer(request)
    feed_url = None
    if person is not None:
        feed_url = settings.SITE_URL + reverse(
            "events:person_feed", args=[person.public_id, selectors.feed_token(person)]
        )
    return render(
        request,
        "events/public/my.html",
        {
            "event": event,
            "box": selectors.registration_box(event, person),
            "signups": list(selectors.my_signups(event, person).values()),
            "bookings": list(selectors.my_bookings(event, person).order_by("slot__starts_at")),
            "feed_url": feed_url,
        },
    )


# --- calendars -------------------------------------------------------------------------------------------


def _ics(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def event_calendar(request, slug):
    event = _event_or_404(request, slug)
    return _ics(selectors.event_ics(event), f"{event.slug}.ics")


@never_cache
@require_GET
def person_feed(request, person_id, token):
    """A personal calendar feed for calendar apps (no session cookie): the token in the address is the key."""
    person = selectors.person_for_feed(person_id, token)
    if person is None:
        raise Http404
    response = _ics(selectors.person_ics(person), "hramada.ics")
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Human Library ---------------------------------------------------------------------------------------


@require_GET
def library(request, slug):
    event = _event_or_404(request, slug)
    context = {"event": event, **selectors.library(event, _viewer(request))}
    return render(request, "events/public/library.html", context)


@require_GET
def library_print(request, slug):
    event = _event_or_404(request, slug)
    return render(request, "events/public/library_print.html", {"event": event, **selectors.library(event)})


@login_required
@require_POST
def book_slot(request, slug, slot_id):
    event = _event_or_404(request, slug)
    slot = get_object_or_404(
        ReadingSlot.objects.select_related("book__event"), book__event=event, public_id=slot_id
    )
    person = people_services.ensure_person(request.user)
    library_url = reverse("events:human_library", args=[event.slug])
    try:
        services.book_slot(slot=slot, reader=person, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(library_url)
    messages.success(
        request,
        _("Booked: “%(title)s” at %(time)s.") % {"title": slot.book, "time": _local_time(slot.starts_at)},
    )
    return redirect(library_url)


@login_required
@require_POST
def cancel_booking(request, slug, booking_id):
    event = _event_or_404(request, slug)
    booking = get_object_or_404(selectors.my_bookings(event, _viewer(request)), public_id=booking_id)
    try:
        services.cancel_booking(actor=request.user, booking=booking)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request, reverse("events:human_library", args=[event.slug]), ok=False)
    messages.success(request, _("Your booking is cancelled."))
    return _back(request, reverse("events:human_library", args=[event.slug]))


def _local_time(value) -> str:
    return date_format(timezone.localtime(value), "j E, H:i")


# --- feedback survey -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def feedback(request, slug):
    event = _event_or_404(request, slug)
    person = _viewer(request)
    state = selectors.feedback_state(event, person)
    form = None
    if state == "open":
        bound = request.method == "POST"
        form = AnswersForm(
            request.POST if bound else None,
            request.FILES if bound else None,
            form_definition=event.feedback_form,
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.submit_feedback(
                    event=event, person=person, actor=request.user, answers=form.answers()
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Thank you! Your answers help us make the next event better."))
            return redirect("events:feedback_survey", event.slug)
    elif request.method == "POST":
        return redirect("events:feedback_survey", event.slug)
    return render(request, "events/public/feedback.html", {"event": event, "state": state, "form": form})

import segno
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from hramada.core.pagination import paginate

from .. import selectors
from ..models import Registration


def event_list(request):
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    page = paginate(request, selectors.public_events(when=when))
    return render(request, "events/public/list.html", {"page": page, "when": when})


def event_detail(request, slug):
    event = selectors.event_by_slug(slug)
    if event is None:
        raise Http404
    sessions = list(selectors.sessions_for(event))
    return render(
        request,
        "events/public/detail.html",
        {"event": event, "sessions": sessions, "timetable": selectors.timetable(event, sessions)},
    )


def ticket(request, slug, code):
    """The ticket is its unguessable code: whoever holds the link (the e-mail) can show the QR code."""
    registration = get_object_or_404(
        Registration.objects.select_related("event", "person"), event__slug=slug, ticket_code=code
    )
    qr = segno.make(registration.ticket_code, error="m").svg_inline(
        scale=6, border=2, title=str(registration.event)
    )
    return render(
        request,
        "events/public/ticket.html",
        {"registration": registration, "event": registration.event, "qr": qr},
    )

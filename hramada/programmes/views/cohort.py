"""The cohort's pages: the organisers' cohort page (participants, mentors, sessions, attendance,
completion, certificates), the public certificate verification page with its JSON documents, and the
participant's "My programmes".

Organiser pages need ``programmes.work_in_programme`` on the cohort (the lead organisation, or a
partner, who sees its own country's participants only); sessions, mentors and certificates are the
lead's (``programmes.manage_programme``). The middleware has already asked for two-factor under
``/manage/``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hramada.core.errors import DomainError
from hramada.events.models import Event, Session
from hramada.orgs.models import Organisation
from hramada.people.models import Person

from .. import certificate_pdf, credentials, delivery, selectors
from ..forms_cohort import (
    AssignMentorForm,
    LinkSessionForm,
    MentorForm,
    NewSessionForm,
    OrderForm,
    ParticipantForm,
    RevokeForm,
)
from ..models import Certificate, Cohort, CohortSession, Participant


def _cohort_for(request, programme, cohort, perm="programmes.work_in_programme") -> Cohort:
    cohort = get_object_or_404(
        Cohort.objects.select_related("programme__organisation"), programme__slug=programme, slug=cohort
    )
    if not request.user.has_perm(perm, cohort):
        raise PermissionDenied
    return cohort


def _back(cohort, anchor=""):
    url = reverse("programmes:cohort_manage", args=[cohort.programme.slug, cohort.slug])
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _participant_for(request, cohort, public_id) -> Participant:
    participant = get_object_or_404(
        Participant.objects.select_related("person", "partner", "cohort__programme"),
        cohort=cohort,
        public_id=public_id,
    )
    if not request.user.has_perm("programmes.manage_participant", participant):
        raise PermissionDenied
    return participant


def _cohort_session_for(cohort, public_id) -> CohortSession:
    """A cohort session by the public id of its session, or of its event when it is a whole event."""
    found = (
        cohort.sessions.filter(
            Q(session__public_id=public_id) | Q(session__isnull=True, event__public_id=public_id)
        )
        .select_related("event", "session", "cohort__programme")
        .first()
    )
    if found is None:
        raise Http404
    return found


def _done(request, message, exc: DomainError | None = None):
    if exc is not None:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)


# --- The organisers' cohort page ----------------------------------------------------------------------


@login_required
@require_GET
def cohort_manage(request, programme, cohort):
    cohort = _cohort_for(request, programme, cohort)
    is_lead = request.user.has_perm("programmes.manage_programme", cohort)
    partner_ids = selectors.partner_scope(request.user, cohort.programme)
    sessions = list(selectors.cohort_sessions(cohort))
    participants = list(selectors.cohort_participants(cohort, partner_ids=partner_ids))
    rows = selectors.completion(cohort, partner_ids=partner_ids, participants=participants, sessions=sessions)
    certificates = {
        c.participant_id: c
        for c in Certificate.objects.filter(participant__in=[p.pk for p in participants]).only(
            "participant_id", "code", "revoked_at", "issued_at"
        )
    }
    for row in rows:
        row["certificate"] = certificates.get(row["participant"].pk)
    mentors = list(cohort.mentors.select_related("person").annotate(mentee_count=Count("mentees")))
    context = {
        "cohort": cohort,
        "programme": cohort.programme,
        "is_lead": is_lead,
        "rows": rows,
        "sessions": sessions,
        "mentors": mentors,
        "mentor_form": MentorForm(),
        "assign_form": AssignMentorForm(mentors=cohort.mentors.select_related("person")),
        "order_form": OrderForm(),
        "meeting": sum(1 for r in rows if r["met"] and r["participant"].status == "active"),
        "completed": sum(1 for r in rows if r["participant"].status == "completed"),
        "without_certificate": sum(
            1 for r in rows if r["participant"].status == "completed" and r["certificate"] is None
        ),
    }
    return render(request, "programmes/manage/cohort.html", context)


@login_required
def participant_new(request, programme, cohort):
    cohort = _cohort_for(request, programme, cohort)
    form = ParticipantForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            participant = delivery.add_participant(actor=request.user, cohort=cohort, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("%(name)s is in the cohort.") % {"name": participant.person})
            if "another" in request.POST:
                return redirect("programmes:cohort_participant_new", programme=programme, cohort=cohort.slug)
            return _back(cohort, "participants")
    status = 400 if form.errors else 200
    return render(
        request,
        "programmes/manage/cohort_participant_form.html",
        {"cohort": cohort, "form": form},
        status=status,
    )


@login_required
@require_POST
def participant_left(request, programme, cohort, public_id):
    cohort = _cohort_for(request, programme, cohort)
    participant = _participant_for(request, cohort, public_id)
    try:
        delivery.mark_left(actor=request.user, participant=participant)
    except DomainError as exc:
        _done(request, "", exc)
    else:
        _done(request, _("%(name)s is marked as having left.") % {"name": participant.person})
    return _back(cohort, "participants")


@login_required
@require_POST
def participant_mentor(request, programme, cohort, public_id):
    cohort = _cohort_for(request, programme, cohort)
    participant = _participant_for(request, cohort, public_id)
    form = AssignMentorForm(request.POST, mentors=cohort.mentors.select_related("person"))
    if not form.is_valid():
        messages.error(request, _("Choose one of the cohort's mentors."))
        return _back(cohort, "participants")
    try:
        delivery.assign_mentor(
            actor=request.user, participant=participant, mentor=form.cleaned_data["mentor"]
        )
    except DomainError as exc:
        _done(request, "", exc)
    else:
        _done(request, _("Mentor saved for %(name)s.") % {"name": participant.person})
    return _back(cohort, "participants")


@login_required
@require_POST
def mentor_new(request, programme, cohort):
    cohort = _cohort_for(request, programme, cohort, "programmes.manage_programme")
    form = MentorForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the mentor's e-mail address."))
        return _back(cohort, "mentors")
    person = Person.objects.filter(user__email__iexact=form.cleaned_data["email"]).first()
    if person is None:
        messages.error(
            request, _("Nobody has an account with this address. Ask the mentor to sign up first.")
        )
        return _back(cohort, "mentors")
    try:
        delivery.add_mentor(actor=request.user, cohort=cohort, person=person)
    except DomainError as exc:
        _done(request, "", exc)
    else:
        _done(request, _("%(name)s is a mentor of the cohort.") % {"name": person})
    return _back(cohort, "mentors")


# --- Sessions -----------------------------------------------------------------------------------------


@login_required
def session_new(request, programme, cohort):
    cohort = _cohort_for(request, programme, cohort, "programmes.manage_programme")
    organisation = cohort.programme.organisation
    events = Event.objects.filter(organisation=organisation).exclude(status=Event.Status.CANCELLED)
    sessions = Session.objects.filter(event__in=events).select_related("event").order_by("starts_at")
    kind = request.POST.get("kind") if request.method == "POST" else None
    link_form = LinkSessionForm(request.POST if kind == "link" else None, events=events, sessions=sessions)
    new_form = NewSessionForm(request.POST if kind == "new" else None)
    if kind == "link" and link_form.is_valid():
        try:
            delivery.add_session(
                actor=request.user,
                cohort=cohort,
                event=link_form.cleaned_data["event"],
                session=link_form.cleaned_data["session"],
            )
        except DomainError as exc:
            link_form.add_error(exc.field if exc.field in link_form.fields else None, exc.message)
        else:
            messages.success(request, _("The session is linked to the cohort."))
            return _back(cohort, "sessions")
    elif kind == "new" and new_form.is_valid():
        try:
            delivery.create_session_event(actor=request.user, cohort=cohort, **new_form.cleaned_data)
        except DomainError as exc:
            new_form.add_error(exc.field if exc.field in new_form.fields else None, exc.message)
        else:
            messages.success(request, _("The session and its event are created."))
            return _back(cohort, "sessions")
    status = 400 if (link_form.errors or new_form.errors) else 200
    return render(
        request,
        "programmes/manage/cohort_session_form.html",
        {"cohort": cohort, "link_form": link_form, "new_form": new_form, "has_events": events.exists()},
        status=status,
    )


@login_required
@require_POST
def session_remove(request, programme, cohort, public_id):
    cohort = _cohort_for(request, programme, cohort, "programmes.manage_programme")
    linked = _cohort_session_for(cohort, public_id)
    delivery.remove_session(actor=request.user, cohort_session=linked)
    messages.success(request, _("The session is no longer one of the cohort's; its event is kept."))
    return _back(cohort, "sessions")


@login_required
@require_POST
def session_order(request, programme, cohort, public_id):
    cohort = _cohort_for(request, programme, cohort, "programmes.manage_programme")
    linked = _cohort_session_for(cohort, public_id)
    form = OrderForm(request.POST)
    if form.is_valid():
        delivery.move_session(actor=request.user, cohort_session=linked, order=form.cleaned_data["order"])
        messages.success(request, _("The order is saved."))
    else:
        messages.error(request, _("Enter a whole number from 0 to 999."))
    return _back(cohort, "sessions")


@login_required
@require_POST
def session_register(request, programme, cohort, public_id):
    cohort = _cohort_for(request, programme, cohort)
    linked = _cohort_session_for(cohort, public_id)
    try:
        counts = delivery.register_participants(actor=request.user, cohort_session=linked)
    except DomainError as exc:
        _done(request, "", exc)
    else:
        messages.success(
            request,
            _(
                "Registered: %(registered)s; on the waiting list: %(waitlisted)s; already registered: "
                "%(already)s; refused: %(refused)s."
            )
            % counts,
        )
    return _back(cohort, "sessions")


# --- Completion and certificates ----------------------------------------------------------------------


@login_required
@require_POST
def completion_mark(request, programme, cohort):
    cohort = _cohort_for(request, programme, cohort)
    chosen = request.POST.getlist("participant")
    ids = None
    if chosen:
        ids = set(
            Participant.objects.filter(cohort=cohort, public_id__in=chosen).values_list("pk", flat=True)
        )
    try:
        done = delivery.mark_completed(actor=request.user, cohort=cohort, participant_ids=ids)
    except DomainError as exc:
        _done(request, "", exc)
    else:
        if done:
            messages.success(request, _("Marked as completed: %(n)s.") % {"n": len(done)})
        else:
            messages.info(request, _("Nobody else meets the completion rule yet."))
    return _back(cohort, "participants")


@login_required
@require_POST
def certificates_issue(request, programme, cohort):
    cohort = _cohort_for(request, programme, cohort, "programmes.manage_programme")
    try:
        issued = delivery.issue_certificates(actor=request.user, cohort=cohort)
    except DomainError as exc:
        _done(request, "", exc)
    else:
        messages.success(request, _("Certificates issued: %(n)s.") % {"n": len(issued)})
    return _back(cohort, "participants")


@login_required
def certificate_revoke(request, code):
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        raise Http404
    cohort = certificate.participant.cohort
    if not request.user.has_perm("programmes.manage_programme", cohort):
        raise PermissionDenied
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            delivery.revoke_certificate(actor=request.user, certificate=certificate, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The certificate is revoked."))
            return redirect("programmes:certificate", code=code)
    return render(
        request,
        "programmes/manage/cohort_certificate_revoke.html",
        {"certificate": certificate, "cohort": cohort, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def deliveries_csv(request, programme, cohort):
    """Who received what, when: one line per check-in of a participant at one of the cohort's sessions."""
    import csv

    cohort = _cohort_for(request, programme, cohort)
    partner_ids = selectors.partner_scope(request.user, cohort.programme)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{cohort.programme.slug}-{cohort.slug}-attendance.csv"'
    )
    response.write("\ufeff")  # so that spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow([_("Participant"), _("Event"), _("Session"), _("Checked in")])
    for row in selectors.deliveries(cohort, partner_ids=partner_ids):
        name = row["name"]
        if name[:1] in "=+-@":  # not a formula in a spreadsheet
            name = "'" + name
        writer.writerow(
            [name, row["event_title"], row["session_title"] or "", row["at"].isoformat(timespec="minutes")]
        )
    return response


# --- Public: verification -----------------------------------------------------------------------------


@require_GET
def certificate_short(request, code):
    """``/c/<code>``, the address printed on the certificate: the page in the visitor's language."""
    language = translation.get_language_from_request(request) or translation.get_language()
    with translation.override(language):
        return redirect("programmes:certificate", code=code)


@require_GET
def certificate(request, code):
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        raise Http404
    participant = certificate.participant
    context = {
        "certificate": certificate,
        "participant": participant,
        "cohort": participant.cohort,
        "programme": participant.cohort.programme,
        "check": delivery.verify_certificate(certificate),
        "may_download": request.user.has_perm("programmes.view_person", participant),
        "may_revoke": request.user.has_perm("programmes.manage_programme", participant.cohort),
        "short_url": credentials.verification_url(code),
        # In the visitor's language (the credential holds it in the certificate's).
        "criteria": delivery.criteria_text(participant.cohort),
    }
    return render(request, "programmes/public/certificate.html", context)


@require_GET
def credential_json(request, code):
    certificate = selectors.certificate_by_code(code)
    if certificate is None or not certificate.credential:
        raise Http404
    response = JsonResponse(certificate.credential, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    return response


@require_GET
def issuer_json(request, public_id):
    organisation = get_object_or_404(Organisation, public_id=public_id)
    response = JsonResponse(
        credentials.issuer_profile(organisation), json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    return response


@require_GET
def achievement_json(request, public_id):
    cohort = get_object_or_404(Cohort.objects.select_related("programme__organisation"), public_id=public_id)
    organisation = cohort.programme.organisation
    data = {
        "@context": [credentials.VC_CONTEXT, credentials.OB_CONTEXT],
        "id": request.build_absolute_uri(),
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": f"{cohort.programme.title}: {cohort.title}",
        "description": cohort.programme.summary or cohort.programme.title,
        "criteria": {"narrative": delivery.criteria_text(cohort)},
        "creator": {
            "id": credentials.issuer_id(organisation),
            "type": ["Profile"],
            "name": str(organisation),
        },
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    return response


@login_required
@require_GET
def certificate_download(request, code):
    """The PDF, for its holder and the programme's organisers only (the public page shows the facts)."""
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        raise Http404
    if not request.user.has_perm("programmes.view_person", certificate.participant):
        raise PermissionDenied
    if certificate.revoked_at is not None:
        raise Http404
    response = HttpResponse(certificate_pdf.render(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


# --- The participant's and the mentor's own page ------------------------------------------------------


@login_required
@require_GET
def my_programmes(request):
    person = getattr(request.user, "person", None)
    cards = []
    mentees = []
    if person is not None:
        for participant in selectors.participations_of(person):
            cohort = participant.cohort
            sessions = list(selectors.cohort_sessions(cohort))
            (row,) = selectors.completion(cohort, participants=[participant], sessions=sessions)
            cards.append(
                {
                    "participant": participant,
                    "row": row,
                    "sessions": list(zip(sessions, row["cells"], strict=True)),
                }
            )
        mentees = selectors.mentee_rows(person)
    return render(request, "programmes/public/my_programmes.html", {"cards": cards, "mentees": mentees})

"""Organiser pages for webhooks (under /manage/, so the middleware has required the second factor):
an organisation's endpoints, adding and editing one, its secret (shown once), rotating it, the "send a
test" button, the delivery log with "resend", and removing an endpoint. Only owners (and staff) get in:
``webhooks.manage_endpoints``; the services check the same rule again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hramada.core.errors import DomainError
from hramada.core.pagination import paginate
from hramada.orgs.models import Organisation

from .. import services
from ..forms import EndpointForm
from ..models import EVENT_TYPES, Delivery, Endpoint

# The session key holding a new secret until the endpoint page shows it, once.
SHOWN_SECRET = "webhooks_new_secret"  # noqa: S105


def _org_for(request, slug) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("webhooks.manage_endpoints", organisation):
        raise PermissionDenied
    return organisation


def _endpoint_for(request, slug, public_id) -> Endpoint:
    organisation = _org_for(request, slug)
    return get_object_or_404(
        Endpoint.objects.select_related("organisation"), organisation=organisation, public_id=public_id
    )


def _form_error(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _show_secret_once(request, endpoint, secret):
    request.session[SHOWN_SECRET] = {"endpoint": endpoint.public_id, "secret": secret}


@login_required
def endpoint_list(request, slug):
    organisation = _org_for(request, slug)
    endpoints = Endpoint.objects.filter(organisation=organisation)
    return render(
        request,
        "webhooks/manage/list.html",
        {"organisation": organisation, "endpoints": endpoints, "event_names": EVENT_TYPES},
    )


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_new(request, slug):
    organisation = _org_for(request, slug)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.create_endpoint(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            _show_secret_once(request, endpoint, secret)
            messages.success(request, _("The endpoint is added. Copy its secret now: it is shown only once."))
            return redirect("webhooks:detail", organisation.slug, endpoint.public_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "webhooks/manage/form.html", {"organisation": organisation, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_detail(request, slug, public_id):
    endpoint = _endpoint_for(request, slug, public_id)
    organisation = endpoint.organisation
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": endpoint.event_types,
        "is_active": endpoint.is_active,
    }
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_endpoint(actor=request.user, endpoint=endpoint, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The endpoint is saved."))
            return redirect("webhooks:detail", organisation.slug, endpoint.public_id)
    shown = request.session.get(SHOWN_SECRET)
    secret = None
    if shown and shown.get("endpoint") == endpoint.public_id:
        secret = shown["secret"]
        del request.session[SHOWN_SECRET]
    deliveries = paginate(request, Delivery.objects.filter(endpoint=endpoint), per_page=25)
    response = render(
        request,
        "webhooks/manage/detail.html",
        {
            "organisation": organisation,
            "endpoint": endpoint,
            "form": form,
            "secret": secret,
            "page": deliveries,
            "max_attempts": services.MAX_ATTEMPTS,
        },
        status=400 if request.method == "POST" else 200,
    )
    return response


@login_required
@require_POST
def rotate(request, slug, public_id):
    endpoint = _endpoint_for(request, slug, public_id)
    secret = services.rotate_secret(actor=request.user, endpoint=endpoint)
    _show_secret_once(request, endpoint, secret)
    messages.success(
        request,
        _("A new secret is made. The old one also signs messages for 24 hours, so your system can switch."),
    )
    return redirect("webhooks:detail", slug, endpoint.public_id)


@login_required
@require_POST
def send_test(request, slug, public_id):
    endpoint = _endpoint_for(request, slug, public_id)
    delivery = services.send_test(actor=request.user, endpoint=endpoint)
    delivery.refresh_from_db()
    if delivery.status == Delivery.Status.SUCCEEDED:
        messages.success(request, _("The test message was delivered."))
    elif delivery.attempts:
        messages.error(request, _("The test message failed: %(error)s") % {"error": delivery.last_error})
    else:
        messages.info(request, _("The test message is on its way; see the log below."))
    return redirect("webhooks:detail", slug, endpoint.public_id)


@login_required
@require_POST
def resend(request, slug, public_id, delivery_id):
    endpoint = _endpoint_for(request, slug, public_id)
    delivery = get_object_or_404(Delivery, endpoint=endpoint, public_id=delivery_id)
    try:
        services.resend(actor=request.user, delivery=delivery)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The message is sent again; see its line in the log."))
    return redirect("webhooks:detail", slug, endpoint.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, slug, public_id):
    endpoint = _endpoint_for(request, slug, public_id)
    if request.method == "POST":
        services.delete_endpoint(actor=request.user, endpoint=endpoint)
        messages.success(request, _("The endpoint and its log are removed."))
        return redirect("webhooks:list", slug)
    return render(
        request, "webhooks/manage/delete.html", {"organisation": endpoint.organisation, "endpoint": endpoint}
    )

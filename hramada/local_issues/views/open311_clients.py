"""The organisers' page of Open311 client keys (under /manage/, so two-factor authentication is
required): issue a key to an application (shown once, only its hash kept) and revoke one. Needs
``local_issues.moderate``; the services check it again."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from hramada.core.errors import DomainError
from hramada.orgs.models import Organisation

from .. import open311
from ..models import Open311Client


class ClientForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("a client program", "Application"), max_length=120)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation responsible for it"), queryset=Organisation.objects.order_by("name")
    )


def _require(request):
    if not request.user.has_perm("local_issues.moderate"):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def client_list(request):
    _require(request)
    form = ClientForm(request.POST or None)
    key = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                client, key = open311.create_client(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    organisation=form.cleaned_data["organisation"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = 400
            else:
                form = ClientForm()
        else:
            status = 400
    clients = (
        Open311Client.objects.select_related("organisation")
        .annotate(issue_count=Count("issues"))
        .order_by("revoked_at", "-created_at")
    )
    return render(
        request,
        "local_issues/open311/clients.html",
        {"clients": clients, "form": form, "new_key": key},
        status=status,
    )


@login_required
@require_POST
def client_revoke(request, public_id):
    _require(request)
    client = get_object_or_404(Open311Client, public_id=public_id)
    try:
        open311.revoke_client(actor=request.user, client=client)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The key of %(name)s is revoked.") % {"name": client.name})
    return redirect("local_issues:open311_clients")

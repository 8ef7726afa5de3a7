"""The pages where people and organisations' owners create and revoke API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hramada.core.errors import DomainError
from hramada.orgs.models import Organisation

from . import services
from .forms import TokenForm
from .models import ApiToken


def _tokens_page(request, *, organisation=None):
    owner = {"organisation": organisation} if organisation is not None else {"user": request.user}
    form = TokenForm(request.POST or None, organisation=organisation)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.create_token(
                actor=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                organisation=organisation,
                expires_at=form.cleaned_data["expires_at"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            # The secret exists only in this response: it is shown once and kept as a hash.
            created = {"token": token, "secret": secret}
            form = TokenForm(organisation=organisation)
    tokens = ApiToken.objects.filter(**owner).order_by("revoked_at", "-created_at")[:100]
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens, "created": created, "organisation": organisation},
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
def my_tokens(request):
    return _tokens_page(request)


def _managed_org(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("orgs.manage_members", organisation):
        raise PermissionDenied
    return organisation


@never_cache
@login_required
def org_tokens(request, slug):
    return _tokens_page(request, organisation=_managed_org(request, slug))


def _revoke(request, token, back):
    try:
        services.revoke_token(actor=request.user, token=token)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name}
        )
    return back


@login_required
@require_POST
def revoke_my_token(request, public_id):
    token = get_object_or_404(ApiToken, public_id=public_id, user=request.user)
    return _revoke(request, token, redirect("api:tokens"))


@login_required
@require_POST
def revoke_org_token(request, slug, public_id):
    organisation = _managed_org(request, slug)
    token = get_object_or_404(ApiToken, public_id=public_id, organisation=organisation)
    return _revoke(request, token, redirect("api:org_tokens", organisation.slug))

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hramada.core.errors import DomainError
from hramada.core.pagination import paginate

from .. import selectors, services
from ..forms import InviteForm, OrganisationForm, RoleForm
from ..models import Invitation, Membership, Organisation


def _org_for(request, slug, perm):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm(perm, organisation):
        raise PermissionDenied
    return organisation


@login_required
def edit(request, slug):
    organisation = _org_for(request, slug, "orgs.change_organisation")
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.changed_data}
        organisation.refresh_from_db()  # the ModelForm already wrote the values onto the instance
        try:
            services.update_organisation(actor=request.user, organisation=organisation, **values)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The organisation is saved."))
            return redirect("orgs:edit", slug=organisation.slug)
    return render(request, "orgs/manage/edit.html", {"organisation": organisation, "form": form})


@login_required
def members(request, slug):
    organisation = _org_for(request, slug, "orgs.view_dashboard")
    if request.method == "POST" and not request.user.has_perm("orgs.invite_member", organisation):
        raise PermissionDenied
    invite_form = InviteForm(request.POST or None)
    if request.method == "POST" and invite_form.is_valid():
        try:
            services.invite_member(actor=request.user, organisation=organisation, **invite_form.cleaned_data)
        except DomainError as exc:
            invite_form.add_error(exc.field if exc.field in invite_form.fields else None, exc.message)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invite_form.cleaned_data["email"]}
            )
            return redirect("orgs:members", slug=slug)
    context = {
        "organisation": organisation,
        "members": selectors.members(organisation),
        "invitations": selectors.open_invitations(organisation),
        "invite_form": invite_form,
        "role_choices": RoleForm.base_fields["role"].choices,
    }
    return render(request, "orgs/manage/members.html", context)


@login_required
@require_POST
def member_role(request, slug, membership_id):
    organisation = _org_for(request, slug, "orgs.manage_members")
    membership = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            if request.POST.get("remove"):
                services.remove_member(actor=request.user, membership=membership)
                messages.success(request, _("%(name)s is no longer a member.") % {"name": membership.person})
            else:
                services.change_role(
                    actor=request.user, membership=membership, role=form.cleaned_data["role"]
                )
                messages.success(request, _("Role changed."))
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("orgs:members", slug=slug)


@login_required
@require_POST
def invitation_revoke(request, slug, public_id):
    organisation = _org_for(request, slug, "orgs.invite_member")
    invitation = get_object_or_404(Invitation, public_id=public_id, organisation=organisation)
    services.revoke_invitation(actor=request.user, invitation=invitation)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("orgs:members", slug=slug)


@login_required
def audit_log(request, slug):
    organisation = _org_for(request, slug, "orgs.view_audit")
    page = paginate(request, selectors.audit_log(organisation), per_page=50)
    return render(request, "orgs/manage/audit.html", {"organisation": organisation, "page": page})


@login_required
def accept_invitation(request, token):
    invitation = services.invitation_for_token(token)
    if request.method == "POST":
        try:
            membership = services.accept_invitation(user=request.user, token=token)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("core:home")
        messages.success(request, _("Welcome to %(org)s.") % {"org": membership.organisation})
        return redirect("core:manage")
    return render(request, "orgs/public/accept.html", {"invitation": invitation})

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hramada.core.errors import DomainError

from .. import services
from ..forms import CommunityForm, LeaderForm, PhotoForm
from ..models import Community, CommunityPhoto


@login_required
def community_edit(request, slug=None):
    community = get_object_or_404(Community, slug=slug) if slug else None
    perm = "places.change_community" if community else "places.add_community"
    if not request.user.has_perm(perm, community):
        raise PermissionDenied
    form = CommunityForm(request.POST or None, instance=community)
    leader_form = LeaderForm(prefix="leader", community=community, user=request.user)
    photo_form = PhotoForm(prefix="photo")
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data.items())
        try:
            community = services.save_community(actor=request.user, community=community, **values)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The community page is saved."))
            return redirect("places:community_edit", slug=community.slug)
    return _edit_page(request, community, form, photo_form=photo_form, leader_form=leader_form)


def _edit_page(request, community, form, *, photo_form, leader_form=None, status=200):
    leaders = community.leaders.select_related("person") if community else []
    return render(
        request,
        "places/manage/community_form.html",
        {
            "form": form,
            "community": community,
            "leaders": leaders,
            "leader_form": leader_form or LeaderForm(prefix="leader", community=community, user=request.user),
            "photo_form": photo_form,
            "photos": community.photos.all() if community else [],
        },
        status=status,
    )


@login_required
@require_POST
def leader_add(request, slug):
    community = _editable(request, slug)
    form = LeaderForm(request.POST or None, prefix="leader", community=community, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.set_leader(actor=request.user, community=community, **form.cleaned_data)
        messages.success(request, _("Leader saved."))
    elif request.method == "POST":
        messages.error(request, _("Choose a person."))
    return redirect("places:community_edit", slug=community.slug)


def _editable(request, slug):
    community = get_object_or_404(Community, slug=slug)
    if not request.user.has_perm("places.change_community", community):
        raise PermissionDenied
    return community


@login_required
@require_POST
def photo_add(request, slug):
    community = _editable(request, slug)
    form = PhotoForm(request.POST, request.FILES, prefix="photo")
    if form.is_valid():
        try:
            services.add_photo(actor=request.user, community=community, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Photo added."))
            return redirect("places:community_edit", slug=community.slug)
    # The page again with the photo form's errors beside its fields (and the upload to choose again).
    return _edit_page(request, community, CommunityForm(instance=community), photo_form=form, status=400)


@login_required
@require_POST
def photo_remove(request, slug, photo_id):
    community = _editable(request, slug)
    photo = get_object_or_404(CommunityPhoto, pk=photo_id, community=community)
    services.remove_photo(actor=request.user, photo=photo)
    messages.success(request, _("Photo removed."))
    return redirect("places:community_edit", slug=community.slug)


@login_required
@require_POST
def photo_move(request, slug, photo_id):
    community = _editable(request, slug)
    photo = get_object_or_404(CommunityPhoto, pk=photo_id, community=community)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponseBadRequest(_("Move a photo up or down."))
    services.move_photo(actor=request.user, photo=photo, up=direction == "up")
    messages.success(request, _("Photo moved."))
    return redirect("places:community_edit", slug=community.slug)

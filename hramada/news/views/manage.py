"""Organiser pages for news (under /manage/, so the middleware has required two-factor authentication):
an organisation's posts, writing and editing, the preview, publishing now, scheduling, unpublishing and
the revisions. Every page needs ``news.add_post`` on the organisation or ``news.change_post`` on the
post; the services check the same rules again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hramada.core.errors import DomainError
from hramada.core.pagination import paginate
from hramada.orgs.models import Organisation

from .. import selectors, services
from ..forms import PostForm, ScheduleForm
from ..models import Post
from .public import render_post


def _org_for(request, slug) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not services.can_write(request.user, organisation):
        raise PermissionDenied
    return organisation


def _post_for(request, public_id) -> Post:
    post = selectors.post_by_public_id(public_id)
    if post is None:
        raise Http404
    if not services.can_edit(request.user, post):
        raise PermissionDenied
    return post


def _form_error(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _initial(post) -> dict:
    initial = {key: getattr(post, key) for key in services.TEXT_KEYS + services.ALT_KEYS}
    initial["tags"] = ", ".join(t.name for t in post.tags.all())
    for name in PostForm.LINKS:
        initial[name] = list(getattr(post, name).values_list("public_id", flat=True))
    return initial


@login_required
def org_posts(request, slug):
    organisation = _org_for(request, slug)
    page = paginate(request, selectors.organisation_posts(organisation), per_page=50)
    return render(request, "news/manage/org_list.html", {"organisation": organisation, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def post_new(request, slug):
    organisation = _org_for(request, slug)
    form = PostForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.create_post(
                actor=request.user,
                organisation=organisation,
                texts=form.texts(),
                cover=form.cleaned_data.get("cover"),
                tags=form.cleaned_data.get("tags", ""),
                links=form.links(),
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The draft is saved. Preview it, then publish or schedule it."))
            return redirect("news:edit", post.public_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "news/manage/edit.html",
        {"organisation": organisation, "form": form, "post": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request, public_id):
    post = _post_for(request, public_id)
    form = PostForm(request.POST or None, request.FILES or None, initial=_initial(post))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_post(
                actor=request.user,
                post=post,
                texts=form.texts(),
                cover=form.cleaned_data.get("cover"),
                remove_cover=form.cleaned_data.get("remove_cover", False),
                tags=form.cleaned_data.get("tags", ""),
                links=form.links(),
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The post is saved."))
            return redirect("news:edit", post.public_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "news/manage/edit.html",
        {"organisation": post.organisation, "form": form, "post": post, "schedule_form": ScheduleForm()},
        status=status,
    )


@login_required
def preview(request, public_id):
    """The post's page as visitors will see it, draft or not; only its editors."""
    return render_post(request, _post_for(request, public_id), preview=True)


@login_required
@require_POST
def publish(request, public_id):
    post = _post_for(request, public_id)
    action = request.POST.get("action", "")
    try:
        if action == "publish":
            services.publish_post(actor=request.user, post=post)
            messages.success(request, _("The post is published."))
        elif action == "unpublish":
            services.unpublish_post(actor=request.user, post=post)
            messages.success(request, _("The post is a draft again."))
        elif action == "schedule":
            form = ScheduleForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Give a date and time to publish at."), field="publish_at")
            services.schedule_post(actor=request.user, post=post, publish_at=form.cleaned_data["publish_at"])
            messages.success(request, _("The post will be published at the time you chose."))
        else:
            raise DomainError(_("Unknown action."))
    except DomainError as exc:
        form = PostForm(initial=_initial(post))
        schedule_form = ScheduleForm(request.POST if action == "schedule" else None)
        if action == "schedule" and exc.field:
            schedule_form.is_valid()
            schedule_form.add_error(
                "publish_at" if "publish_at" in schedule_form.fields else None, exc.message
            )
        else:
            messages.error(request, exc.message)
        return render(
            request,
            "news/manage/edit.html",
            {"organisation": post.organisation, "form": form, "post": post, "schedule_form": schedule_form},
            status=400,
        )
    return redirect(reverse("news:edit", args=[post.public_id]))


@login_required
def revisions(request, public_id):
    post = _post_for(request, public_id)
    page = paginate(request, selectors.revisions(post), per_page=20)
    return render(
        request, "news/manage/revisions.html", {"organisation": post.organisation, "post": post, "page": page}
    )

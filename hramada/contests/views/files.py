"""Projects' cover images and PDF documents, served after a permission check.

The team and the contest's organisers may always download them; everyone else only those of an
eligible (public) project. Anything else is a 404, never a 403, so that a draft's existence does not
leak. Files are streamed by Django (``FileResponse``); a proxy could take over the sending later with
``X-Accel-Redirect`` (see docs/contests.md).
"""

import rules
from django.http import Http404
from django.views.decorators.http import require_safe

from hramada.core.storage import safe_filename, send_stored

from .. import selectors
from ..models import Project

IMAGE_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
PUBLIC_MAX_AGE = 3600  # an eligible project no longer changes; being screened again takes effect in an hour


def _project(request, public_id: str) -> Project:
    project = selectors.project_for_files(public_id)
    # The rule itself, not user.has_perm: that lets any superuser through, even without two-factor.
    if project is None or not rules.has_perm("contests.view_project_files", request.user, project):
        raise Http404
    return project


def _send(project: Project, name: str, *, content_type: str, filename: str, as_attachment: bool):
    # An eligible project no longer changes, so shared caches may keep its files for a while.
    public = PUBLIC_MAX_AGE if project.status == Project.Status.ELIGIBLE else None
    response = send_stored(
        name, content_type=content_type, filename=filename, as_attachment=as_attachment, public_max_age=public
    )
    if response is None:
        raise Http404
    return response


@require_safe
def cover(request, public_id):
    project = _project(request, public_id)
    if not project.cover:
        raise Http404
    ext = project.cover.name.rsplit(".", 1)[-1].lower()
    if ext not in IMAGE_TYPES:
        raise Http404
    return _send(
        project,
        project.cover.name,
        content_type=IMAGE_TYPES[ext],
        filename=f"cover.{ext}",
        as_attachment=False,
    )


@require_safe
def attachment(request, public_id, attachment):
    project = _project(request, public_id)
    found = selectors.attachment_for(project, attachment)
    if found is None:
        raise Http404
    return _send(
        project,
        found.file.name,
        content_type="application/pdf",
        filename=safe_filename(found.name, "pdf"),
        as_attachment=True,
    )

"""Files uploaded as answers to form questions, sent after ``questions.view_answer_files``.

Who may read them is decided by the app the response belongs to (``registry``); everyone else gets a
404, never a 403, so nobody learns that a response or a file exists. Always sent as a download, never
shown inline, and never kept by shared caches.
"""

import rules
from django.http import Http404
from django.views.decorators.http import require_safe

from hramada.core.storage import safe_filename, send_stored

from ..models import Answer, Response
from ..registry import answer_owners

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}


@require_safe
def answer_file(request, public_id, question_id):
    # The owners' reverse one-to-ones in the same query: the rule reads them next.
    response = Response.objects.select_related(*answer_owners).filter(public_id=public_id).first()
    # The rule itself, not user.has_perm: that lets any superuser through, even without two-factor.
    if response is None or not rules.has_perm("questions.view_answer_files", request.user, response):
        raise Http404
    answer = Answer.objects.filter(response=response, question_id=question_id).exclude(file="").first()
    if answer is None:
        raise Http404
    ext = answer.file.name.rsplit(".", 1)[-1].lower() if "." in answer.file.name else ""
    if ext not in CONTENT_TYPES:
        raise Http404
    uploaded = (answer.value or {}).get("name", "") if isinstance(answer.value, dict) else ""
    sent = send_stored(
        answer.file.name,
        content_type=CONTENT_TYPES[ext],
        filename=safe_filename(uploaded.rsplit(".", 1)[0] if "." in uploaded else uploaded, ext),
        as_attachment=True,
    )
    if sent is None:
        raise Http404
    return sent

"""Uploaded PDFs are parsed, not only sniffed: a file that starts with ``%PDF-`` may still carry scripts.

A PDF can hold JavaScript and actions a reader runs by itself (``/OpenAction`` when the file opens,
``/AA`` when a page or field is shown, ``/Launch`` to start a program). Organisers, experts and jurors
open the files teams and applicants send; such a file is refused with a message saying how to make a
clean one. The check walks every object reachable from the document's catalogue (with pypdf, resolving
compressed object streams), looking at dictionary keys and action types; stream contents are not
decoded, and the walk stops at a fixed number of objects so a crafted file cannot keep it busy.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

PDF_MAGIC = b"%PDF-"
ACTIVE_KEYS = {"/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch"}
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/Rendition", "/SubmitForm"}
MAX_OBJECTS = 200_000


def active_content(reader: PdfReader) -> str | None:
    """The first script or automatic action found in the document (its key), or None."""
    seen: set[tuple[int, int]] = set()
    todo = [reader.trailer["/Root"]]
    visited = 0
    while todo:
        node = todo.pop()
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                continue
            seen.add(ref)
            node = node.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            return "too many objects"
        if isinstance(node, DictionaryObject):
            for key, value in node.items():
                if key in ACTIVE_KEYS:
                    return key
                if key == "/S" and isinstance(value, NameObject) and value in ACTIVE_ACTIONS:
                    return str(value)
                if key != "/Parent":  # the page tree's back links lead nowhere new
                    todo.append(value)
        elif isinstance(node, ArrayObject):
            todo.extend(node)
    return None


def check_pdf(upload) -> None:
    """Raise ValidationError unless ``upload`` is a readable PDF without scripts or automatic actions."""
    upload.seek(0)
    if upload.read(len(PDF_MAGIC)) != PDF_MAGIC:
        raise ValidationError(_("This file is not a PDF."))
    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(_("This PDF is protected by a password. Upload a copy without a password."))
        found = active_content(reader)
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds of errors on a malformed file: all mean "cannot read"
        raise ValidationError(
            _("This PDF is damaged and cannot be read. Save it again and upload the new copy.")
        ) from None
    finally:
        upload.seek(0)
    if found:
        raise ValidationError(
            _(
                "This PDF contains scripts or actions that run by themselves, which we do not accept. "
                "Make a plain copy (for example with “Print” → “Save as PDF”) and upload that."
            )
        )

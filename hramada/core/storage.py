"""Private files: a directory outside ``MEDIA_ROOT`` that nothing serves by URL.

Contest projects' covers and PDFs and the files uploaded as answers to form questions live there.
Neither nginx's ``/media/`` nor Django's development ``static()`` serves the directory, and the
storage's ``url()`` refuses, so a page cannot link to ``/media/`` by mistake: each file goes out only
through a view of the app that owns it, after a permission check (``contests.views.files``,
``questions.views.files``).

Files uploaded before a field became private are still in the public media directory under the same
names; reading and deleting look there too (``open_stored``, ``delete_stored``), and
``manage.py move_private_files`` moves every private field's files (``move_all_to_private``).
"""

import os
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import models
from django.http import FileResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.deconstruct import deconstructible


def private_root() -> str:
    """``settings.PRIVATE_MEDIA_ROOT`` if set, else a ``private_media`` folder beside ``MEDIA_ROOT``."""
    root = getattr(settings, "PRIVATE_MEDIA_ROOT", None) or Path(settings.MEDIA_ROOT).parent / "private_media"
    return os.path.abspath(root)


class PrivateFileStorage(FileSystemStorage):
    """Files on disk with no public address: ``url()`` refuses, so no page can link to ``/media/``."""

    # Read the setting on every use (not cached), so tests and settings overrides move it too.
    @property
    def base_location(self):
        return private_root()

    @property
    def location(self):
        return private_root()

    def url(self, name):
        raise ValueError("Private files have no public URL: link to the view that checks who may read them.")


_PRIVATE = PrivateFileStorage()


def private_storage() -> PrivateFileStorage:
    """The storage of private file fields (a callable, so migrations name it rather than copy it)."""
    return _PRIVATE


@deconstructible
class RandomName:
    """``upload_to`` giving ``<folder>/<year>/<month>/<random>.<ext>``: uploaded names can carry
    personal details (a CV named after its author) and must not be guessable."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
        return f"{self.folder}/{timezone.now():%Y/%m}/{secrets.token_urlsafe(18)}.{ext[:5]}"


def _where(name: str):
    """The storage holding ``name``: the private one, or the public one for files uploaded before."""
    if not name:
        return None
    for storage in (_PRIVATE, default_storage):
        if storage.exists(name):
            return storage
    return None


def open_stored(name: str):
    """The stored file opened for reading, or None if it is missing."""
    storage = _where(name)
    return storage.open(name, "rb") if storage is not None else None


def delete_stored(name: str) -> None:
    """Delete a private file, or its older copy in the public directory; nothing if it is missing."""
    storage = _where(name)
    if storage is not None:
        storage.delete(name)


def move_to_private(name: str) -> bool:
    """Move a file uploaded before to the private directory (same name); True if it was moved."""
    if not name or _PRIVATE.exists(name) or not default_storage.exists(name):
        return False
    with default_storage.open(name, "rb") as source:
        _PRIVATE.save(name, source)  # the name is free here, so it is kept
    default_storage.delete(name)
    return True


def private_fields() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every file field stored in the private directory, in all apps."""
    from django.apps import apps

    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField) and field.storage is _PRIVATE
    ]


def move_all_to_private() -> tuple[int, int]:
    """Move the files of every private field still in ``MEDIA_ROOT``: (moved, files named in rows).

    Safe to run again: a file already in the private directory is left alone.
    """
    names = [
        name
        for model, field in private_fields()
        for name in model._base_manager.exclude(**{field: ""}).values_list(field, flat=True).iterator()
    ]
    return sum(move_to_private(name) for name in names), len(names)


def safe_filename(name: str, ext: str) -> str:
    """A download name without path parts, quotes or control characters, ending in ``.ext``."""
    name = re.sub(r'[\x00-\x1f\x7f"\\/:*?<>|]+', "", name).strip(" .")[:150]
    if not name.lower().endswith(f".{ext}"):
        name = f"{name or 'document'}.{ext}"
    return name


def send_stored(name: str, *, content_type: str, filename: str, as_attachment: bool, public_max_age=None):
    """A streamed response for a stored file (None if missing), private to this browser unless
    ``public_max_age`` (seconds) lets shared caches keep it; the caller has checked who asks."""
    stored = open_stored(name)
    if stored is None:
        return None
    response = FileResponse(stored, content_type=content_type, as_attachment=as_attachment, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    if public_max_age:
        patch_cache_control(response, public=True, max_age=public_max_age)
    else:
        # Nothing may keep it, not even this browser's cache on a shared computer: the file may
        # have been replaced or hidden, and it is personal.
        add_never_cache_headers(response)
    return response


def _inside(path: str, parent: str) -> bool:
    path, parent = os.path.abspath(path), os.path.abspath(parent)
    return path == parent or path.startswith(parent.rstrip(os.sep) + os.sep)


@checks.register(checks.Tags.security)
def check_private_root(app_configs=None, **kwargs):
    """The private directory must not be inside the public media directory (which nginx serves)."""
    if _inside(private_root(), str(settings.MEDIA_ROOT)):
        return [
            checks.Error(
                "PRIVATE_MEDIA_ROOT is inside MEDIA_ROOT, so private files (contest projects, form answers) would be served publicly "
                "under /media/.",
                hint="Point PRIVATE_MEDIA_ROOT at a directory outside MEDIA_ROOT.",
                id="core.E001",
            )
        ]
    return []

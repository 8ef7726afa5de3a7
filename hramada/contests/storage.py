"""Where projects' cover images and PDF attachments live: a private directory outside ``MEDIA_ROOT``.

Nothing serves that directory by URL (neither nginx's ``/media/`` nor Django's ``static()`` in
development): the files go out only through ``views.files``, which asks the named permission
``contests.view_project_files`` first. Files uploaded before this existed are still in the public
media directory under the same names; reading and deleting look there too, and
``manage.py move_contest_files`` moves them.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage, default_storage


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
        raise ValueError("Contest files have no public URL: link to the contests:cover/attachment views.")


_PRIVATE = PrivateFileStorage()


def private_storage() -> PrivateFileStorage:
    """The storage of ``Project.cover`` and ``ProjectAttachment.file`` (a callable, so migrations name it)."""
    return _PRIVATE


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


def _inside(path: str, parent: str) -> bool:
    path, parent = os.path.abspath(path), os.path.abspath(parent)
    return path == parent or path.startswith(parent.rstrip(os.sep) + os.sep)


@checks.register(checks.Tags.security)
def check_private_root(app_configs=None, **kwargs):
    """The private directory must not be inside the public media directory (which nginx serves)."""
    if _inside(private_root(), str(settings.MEDIA_ROOT)):
        return [
            checks.Error(
                "PRIVATE_MEDIA_ROOT is inside MEDIA_ROOT, so contest files would be served publicly "
                "under /media/.",
                hint="Point PRIVATE_MEDIA_ROOT at a directory outside MEDIA_ROOT.",
                id="contests.E001",
            )
        ]
    return []

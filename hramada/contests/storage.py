"""Where projects' cover images and PDF attachments live: the private directory of ``core.storage``.

The storage itself is generic and lives in ``hramada.core.storage`` (form answers' files use it too);
these names stay importable here because ``Project.cover``, ``ProjectAttachment.file`` and migration
0005 name ``hramada.contests.storage.private_storage``.
"""

from hramada.core.storage import (  # noqa: F401 - re-exported for models, migrations and services
    PrivateFileStorage,
    check_private_root,
    delete_stored,
    move_to_private,
    open_stored,
    private_root,
    private_storage,
)

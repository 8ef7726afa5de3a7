from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hramada.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a folder made by `manage.py backup` into the configured database and media folders, "
        "then compare the row counts and media files with its manifest (exit 1 on any difference). "
        "Refuses a database or media folder that is not empty unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The backup's folder (hramada-<time>/).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace what is in the database; non-empty media folders are moved aside (.before-restore-*).",
        )

    def handle(self, *args, folder, force=False, **options):
        try:
            differences = restore_backup(Path(folder), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for what, (expected, found) in differences.items():
            self.stderr.write(f"{what}: backup {expected}, restored {found}")
        if differences:
            raise CommandError(
                f"The restore differs from the backup's manifest in {len(differences)} place(s)."
            )
        self.stdout.write(f"Restored {folder}: row counts and media files match the manifest.")

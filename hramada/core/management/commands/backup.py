from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hramada.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump in custom format on PostgreSQL, sqlite3's backup API on SQLite), "
        "MEDIA_ROOT and PRIVATE_MEDIA_ROOT into a new timestamped folder with a manifest (row counts per "
        "table, sha256 of every file). Restore with `manage.py restore FOLDER`; see docs/deploy.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default="backups",
            help="Folder in which the backup's folder is made (default: backups).",
        )

    def handle(self, *args, output, **options):
        try:
            folder = create_backup(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(folder))

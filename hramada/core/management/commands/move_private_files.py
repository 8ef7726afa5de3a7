from django.core.management.base import BaseCommand

from hramada.core.storage import move_all_to_private


class Command(BaseCommand):
    help = (
        "Move files uploaded before their field became private (contest projects' covers and PDFs, "
        "form answers' files) from MEDIA_ROOT to the private directory (same names; safe to run again)."
    )

    def handle(self, *args, **options):
        moved, named = move_all_to_private()
        self.stdout.write(f"{moved} of {named} private files moved to the private directory")

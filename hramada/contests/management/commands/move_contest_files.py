from django.core.management.base import BaseCommand

from hramada.contests.models import Project, ProjectAttachment
from hramada.contests.storage import move_to_private


class Command(BaseCommand):
    help = (
        "Move projects' cover images and PDF documents uploaded before they became private from "
        "MEDIA_ROOT to the private directory (same names; safe to run again)."
    )

    def handle(self, *args, **options):
        names = [
            *Project.objects.exclude(cover="").values_list("cover", flat=True),
            *ProjectAttachment.objects.values_list("file", flat=True),
        ]
        moved = sum(move_to_private(name) for name in names)
        self.stdout.write(f"{moved} of {len(names)} contest files moved to the private directory")

from django.core.management.base import BaseCommand

from hramada.search import services
from hramada.search.models import Kind


class Command(BaseCommand):
    help = "Index every public object afresh (news, events, contests, projects, communities, programmes, initiatives, local issues)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind", action="append", choices=Kind.values, help="only this kind (repeatable)"
        )

    def handle(self, *args, kind=None, **options):
        total = services.rebuild(kind)
        self.stdout.write(f"Indexed {total} search documents.")

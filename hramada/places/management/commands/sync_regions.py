from django.core.management.base import BaseCommand

from hramada.places import services


class Command(BaseCommand):
    help = "Create or update countries and their ISO 3166-2 regions from pycountry (default: BY AM MD)."

    def add_arguments(self, parser):
        parser.add_argument("countries", nargs="*", default=["BY", "AM", "MD"])

    def handle(self, *args, countries, **options):
        count = services.sync_regions(country_codes=[c.upper() for c in countries])
        self.stdout.write(f"{count} regions in {', '.join(countries)}")

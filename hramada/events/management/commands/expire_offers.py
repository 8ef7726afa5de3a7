from django.core.management.base import BaseCommand

from hramada.events import services


class Command(BaseCommand):
    help = "Withdraw waiting-list offers past their deadline and offer the places to the next people (run every few minutes from cron)."

    def handle(self, *args, **options):
        count = services.expire_offers()
        self.stdout.write(f"{count} expired offers moved on")

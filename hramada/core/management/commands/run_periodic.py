import logging

from django.core.management.base import BaseCommand, CommandError

from hramada.core.registry import periodic_jobs

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run every periodic job the apps registered (expire waiting-list offers, freeze the rules of votes "
        "that opened, forget old network hashes...). Run it every minute from a timer or cron; "
        "running it on several machines at once is safe but not needed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="Only list the jobs.")
        parser.add_argument("--only", action="append", default=[], help="Run only this job (repeatable).")

    def handle(self, *args, list=False, only=(), **options):
        names = [name for name, _ in periodic_jobs]
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise CommandError(f"Unknown job(s): {', '.join(unknown)}. Jobs: {', '.join(names)}")
        failed = []
        for name, job in periodic_jobs:
            if list:
                self.stdout.write(name)
                continue
            if only and name not in only:
                continue
            try:
                done = job()
            except Exception:
                # One failing job must not stop the others (each runs in its own transactions).
                logger.exception("Periodic job %s failed", name)
                failed.append(name)
                self.stderr.write(f"{name}: FAILED (see the log)")
                continue
            self.stdout.write(f"{name}: {done}")
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)}")

import logging
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from hramada.core import periodic
from hramada.core.registry import periodic_jobs

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run every periodic job the apps registered (expire waiting-list offers, freeze the rules of votes "
        "that opened, forget old network hashes...). Run it every minute from a timer or cron, on one "
        "server or on several: each job runs under a lease (core.periodic), so a job that another server "
        "is running is skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="Only list the jobs.")
        parser.add_argument("--only", action="append", default=[], help="Run only this job (repeatable).")
        parser.add_argument(
            "--lease",
            type=int,
            default=int(periodic.DEFAULT_LEASE.total_seconds()),
            help="Seconds after which a job left running by a server that died may be run elsewhere.",
        )

    def handle(self, *args, list=False, only=(), lease=0, **options):
        names = [name for name, _ in periodic_jobs]
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise CommandError(f"Unknown job(s): {', '.join(unknown)}. Jobs: {', '.join(names)}")
        if lease <= 0:
            raise CommandError("--lease must be a positive number of seconds.")
        holder = periodic.new_holder()
        failed = []
        for name, job in periodic_jobs:
            if list:
                self.stdout.write(name)
                continue
            if only and name not in only:
                continue
            if not periodic.claim(name, holder=holder, lease=timedelta(seconds=lease)):
                self.stdout.write(
                    f"{name}: skipped (running on {periodic.current_holder(name) or 'another server'})"
                )
                continue
            try:
                done = job()
            except Exception:
                # One failing job must not stop the others (each runs in its own transactions).
                logger.exception("Periodic job %s failed", name)
                failed.append(name)
                self.stderr.write(f"{name}: FAILED (see the log)")
                continue
            finally:
                periodic.release(name, holder=holder)
            self.stdout.write(f"{name}: {done}")
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)}")

"""Deployment checks (``manage.py check --deploy``) for what several app servers need."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_production_services(app_configs=None, **kwargs):
    if not settings.PRODUCTION:
        return []
    errors = []
    if not settings.REDIS_URL:
        errors.append(
            checks.Error(
                "Production needs Redis: set REDIS_URL.",
                hint=(
                    "Without it the cache, the rate limits (logins, votes, text messages) and the "
                    "anti-fraud counters live in each app server's own memory, so with several servers "
                    "every limit is multiplied by their number. See docs/deploy.md."
                ),
                id="core.E002",
            )
        )
    if not settings.HASH_KEY or settings.HASH_KEY == settings.SECRET_KEY:
        errors.append(
            checks.Error(
                "Production needs its own HASH_KEY, different from SECRET_KEY.",
                hint=(
                    "HASH_KEY keys the hashes of voters, networks and phone numbers. Rotating SECRET_KEY "
                    "(after a leak, say) must not change them, and a leaked SECRET_KEY must not reveal them."
                ),
                id="core.E003",
            )
        )
    return errors

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from hramada.api.api import api
from hramada.core import health
from hramada.core.views import public as core_public
from hramada.news.sitemaps import SITEMAPS
from hramada.people.views import mfa as mfa_views
from hramada.people.views import public as people_public
from hramada.programmes import urls_cohort as programmes_cohort_urls

# 500 becomes "503, busy, try again" when the database is unreachable or gave up on a lock.
handler500 = "hramada.core.views.errors.server_error"

admin.site.site_header = "Hramada"
# The admin's own login form would sign a staff account in with its password alone and without the
# site's rate limits: it sends everyone to the site's login (allauth) instead.
admin.site.login = core_public.admin_login

urlpatterns = [
    # Probes and metrics (core/health.py): no language prefix, no session, no CSRF, never cached.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    # Certificates' short address (/c/<code>, printed with a QR code) and their Open Badges documents:
    # without a language prefix, as credentials name them.
    path("", include((programmes_cohort_urls.root_urlpatterns, "credentials"))),
    path("open311/v2/", include("hramada.local_issues.urls_open311")),
    # Every public page in each language (news/sitemaps.py), at the address crawlers look for.
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # The JSON API (docs/api.md): one address for every language, chosen by Accept-Language.
    path("api/", api.urls),
]

urlpatterns += i18n_patterns(
    # Inside the prefix, so the switcher knows the language of the page it translates. Django's view,
    # exempt from CSRF (it sets the visitor's language cookie; cached public pages carry no per-visitor
    # token), which also remembers a signed-in person's new language for their e-mails.
    path("i18n/setlang/", people_public.set_language, name="set_language"),
    # The vote's endpoints come first: resolving a URL tries the patterns in order, and a vote is the
    # busiest request of a contest (bench/vote.py). Its patterns overlap no other app's.
    path("", include("hramada.voting.urls")),
    path("", include("hramada.core.urls")),
    # Before allauth's own: the set-up pages that keep the page the person was going to.
    path("accounts/2fa/totp/activate/", mfa_views.activate_totp, name="mfa_activate_totp"),
    path("accounts/2fa/recovery-codes/", mfa_views.view_recovery_codes, name="mfa_view_recovery_codes"),
    path("accounts/", include("allauth.urls")),
    path("", include("hramada.people.urls")),
    path("", include("hramada.places.urls")),
    path("", include("hramada.orgs.urls")),
    path("", include("hramada.events.urls")),
    path("", include("hramada.questions.urls")),
    path("", include("hramada.contests.urls")),
    path("", include("hramada.reviews.urls")),
    path("", include("hramada.awards.urls")),
    path("", include("hramada.programmes.urls")),
    path("", include("hramada.initiatives.urls")),
    path("", include("hramada.local_issues.urls")),
    path("", include("hramada.news.urls")),
    path("", include("hramada.reports.urls")),
    path("", include("hramada.search.urls")),
    path("", include("hramada.imports.urls")),
    path("", include("hramada.webhooks.urls")),
    path("", include("hramada.api.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

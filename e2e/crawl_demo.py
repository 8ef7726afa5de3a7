"""Crawl the demo site in be/ru/en as each demo login and check every page with the Nu HTML checker.

    .venv/bin/python -m e2e.crawl_demo                # a fresh demo database in a temporary folder
    .venv/bin/python -m e2e.crawl_demo --db /tmp/demo.sqlite3   # reuse (and change) a loaded demo
    .venv/bin/python -m e2e.crawl_demo --axe          # and axe-core in Chromium on each page

The browser journeys (``make e2e``) check the pages they visit; this reaches the rest: starting from
each language's home, organiser and personal pages, it follows every link on the site, as a visitor
and as each demo login (organisers and staff with their second factor passed), up to ``--per-route``
addresses per URL pattern, language and login. It sends only GET requests, through Django's test
client. It prints the errors grouped by message and exits 1 when there is any. Needs the checker
installed by ``make vnu``. With ``--axe`` it also serves the database with ``manage.py runserver`` and
opens each page in Chromium (``$CHROMIUM``, else /usr/bin/chromium) with the same login, and reports
axe-core's serious and critical violations.
"""

import argparse
import collections
import os
import re
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

LANGUAGES = ("be", "ru", "en")
LOGINS = (
    None,
    "citizen@hramada.local",
    "expert@hramada.local",
    "organiser@hramada.local",
    "manager@hramada.local",
    "admin@hramada.local",
)
SEEDS = (
    "",
    "manage/",
    "me/",
    "reviews/",
    "my/projects/",
    "events/",
    "contests/",
    "communities/",
    "organisations/",
    "privacy/",
    "contests/voting-help/",
    "accounts/login/",
    "accounts/signup/",
    "accounts/password/reset/",
    "accounts/2fa/",
)
SKIP = ("/admin/", "/accounts/logout/", "/i18n/", "/media/", "/static/", "/download/", "/autosave/")
FILE_SUFFIXES = (".csv", ".ics", ".json", ".xlsx", ".png", ".pdf")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(html: str, base: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        parts = urlsplit(urljoin(base, href))
        if parts.netloc not in ("", "testserver"):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def setup_django(db: Path | None) -> Path:
    fresh = db is None
    if fresh:
        db = Path(tempfile.mkdtemp(prefix="hramada-crawl-")) / "demo.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hramada.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if fresh:
        print(f"Loading the demo into {db} …", file=sys.stderr)
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return db


def client_for(email):
    from allauth.mfa.models import Authenticator
    from django.test import Client

    from hramada.core.tests.helpers import enrol_totp, pass_second_factor
    from hramada.people.models import User

    client = Client(raise_request_exception=False)
    if email:
        user = User.objects.get(email=email)
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            enrol_totp(user)
        client.force_login(user)
        pass_second_factor(client, user)
    return client


def crawl(per_route: int, languages, logins):
    """Yields (login, client, url, status, html) for each page reached."""
    from django.urls import Resolver404, resolve
    from django.utils import translation

    for email in logins:
        client = client_for(email)
        for lang in languages:
            queue = collections.deque(f"/{lang}/{seed}" for seed in SEEDS)
            seen, per_pattern = set(queue), collections.Counter()
            while queue:
                url = queue.popleft()
                path = urlsplit(url).path
                if any(s in path for s in SKIP) or path.endswith(FILE_SUFFIXES):
                    continue
                try:
                    with translation.override(lang):  # the URL's language prefix matches only then
                        pattern = resolve(path).route
                except Resolver404:
                    continue
                if per_pattern[pattern] >= per_route:
                    continue
                per_pattern[pattern] += 1
                response = client.get(url)
                found = []
                if response.status_code in (301, 302, 303, 307, 308):
                    found = [urljoin(url, response["Location"])]
                    if not urlsplit(found[0]).path.startswith(f"/{lang}/"):
                        found = []
                elif response.status_code < 500 and response.get("Content-Type", "").startswith("text/html"):
                    html = response.content.decode()
                    yield email or "visitor", client, url, response.status_code, html
                    found = links(html, url)
                else:
                    yield email or "visitor", client, url, response.status_code, None
                for link in found:
                    if link not in seen and urlsplit(link).path.startswith(f"/{lang}/"):
                        seen.add(link)
                        queue.append(link)


class Axe:
    """axe-core in Chromium on pages served by ``manage.py runserver`` from the crawled database, each
    login in its own browser context holding the test client's session cookie."""

    def __init__(self, db: Path):
        import socket
        import subprocess
        import time

        from playwright.sync_api import sync_playwright

        from e2e.conftest import CHROMIUM_ARGS
        from e2e.htmlcheck import axe_source

        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM keeps working beside Playwright's loop
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{port}"
        self.server = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=Path(__file__).resolve().parent.parent,
            env={**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SITE_URL": self.base},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        self.source = axe_source()
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS
        )
        self.pages = {}

    def violations(self, login, client, url) -> list[str]:
        from e2e.htmlcheck import run_axe

        if login not in self.pages:
            context = self.browser.new_context(locale="en-GB")
            context.add_cookies(
                [{"name": c.key, "value": c.value, "url": self.base} for c in client.cookies.values()]
            )
            self.pages[login] = context.new_page()
        page = self.pages[login]
        page.goto(self.base + url)
        return run_axe(page, self.source)

    def close(self):
        self.browser.close()
        self.playwright.stop()
        self.server.terminate()
        self.server.wait()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--db", type=Path, help="a SQLite file with the demo loaded (it gets sessions and TOTP)"
    )
    parser.add_argument(
        "--per-route", type=int, default=3, help="addresses per URL pattern, language and login"
    )
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--verbose", action="store_true", help="list every error of every page")
    parser.add_argument("--axe", action="store_true", help="also run axe-core on each page in Chromium")
    args = parser.parse_args(argv)
    db = setup_django(args.db)
    axe = Axe(db) if args.axe else None
    by_violation = collections.defaultdict(list)

    from e2e.htmlcheck import Vnu, format_errors

    pages = failing = 0
    by_message = collections.defaultdict(list)
    statuses = collections.Counter()
    try:
        with Vnu() as vnu:
            for login, client, url, status, html in crawl(args.per_route, args.languages.split(","), LOGINS):
                statuses[status] += 1
                if status >= 500:
                    print(f"{status} {login} {url}")
                if html is None:
                    continue
                pages += 1
                errors = vnu.errors(html)
                if errors:
                    failing += 1
                    if args.verbose:
                        print(f"\n{login} {url}:\n  " + "\n  ".join(format_errors(errors)))
                    for e in errors:  # grouped with the values that differ from page to page left out
                        message = re.sub(r"“[^”]*\d[^”]*”", "“…”", e["message"])
                        by_message[message].append(f"{login} {url} line {e['line']}")
                for violation in axe.violations(login, client, url) if axe else ():
                    by_violation[violation.split(" (")[0]].append(f"{login} {url}: {violation}")
    finally:
        if axe:
            axe.close()
    total = sum(len(v) for v in by_message.values())
    for message, where in sorted(by_message.items(), key=lambda kv: -len(kv[1])):
        print(f"\n{len(where)} × {message}\n    e.g. " + "\n    e.g. ".join(where[:3]))
    for violation, where in sorted(by_violation.items(), key=lambda kv: -len(kv[1])):
        print(f"\n{len(where)} × axe-core {violation}\n    e.g. " + "\n    e.g. ".join(where[:3]))
    print(f"\nStatuses: {dict(sorted(statuses.items()))}")
    print(f"{pages} HTML pages checked, {failing} with errors, {total} errors")
    if axe:
        print(f"axe-core: {sum(len(v) for v in by_violation.values())} serious or critical violations")
    return 1 if total or by_violation or any(s >= 500 for s in statuses) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Crawl the demo site in be/ru/en as each demo login and check every page with the Nu HTML checker.

    .venv/bin/python -m e2e.crawl_demo                # a fresh demo database in a temporary folder
    .venv/bin/python -m e2e.crawl_demo --db /tmp/demo.sqlite3   # reuse (and change) a loaded demo

The browser journeys (``make e2e``) check the pages they visit; this reaches the rest: starting from
each language's home, organiser and personal pages, it follows every link on the site, as a visitor
and as each demo login (organisers and staff with their second factor passed), up to ``--per-route``
addresses per URL pattern, language and login. It sends only GET requests, through Django's test
client. It prints the errors grouped by message and exits 1 when there is any. Needs the checker
installed by ``make vnu``.
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
    """Yields (login, url, status, html) for each page reached."""
    from django.urls import Resolver404, resolve

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
                    yield email or "visitor", url, response.status_code, html
                    found = links(html, url)
                else:
                    yield email or "visitor", url, response.status_code, None
                for link in found:
                    if link not in seen and urlsplit(link).path.startswith(f"/{lang}/"):
                        seen.add(link)
                        queue.append(link)


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
    args = parser.parse_args(argv)
    setup_django(args.db)

    from e2e.htmlcheck import Vnu, format_errors

    pages = failing = 0
    by_message = collections.defaultdict(list)
    statuses = collections.Counter()
    with Vnu() as vnu:
        for login, url, status, html in crawl(args.per_route, args.languages.split(","), LOGINS):
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
    total = sum(len(v) for v in by_message.values())
    for message, where in sorted(by_message.items(), key=lambda kv: -len(kv[1])):
        print(f"\n{len(where)} × {message}\n    e.g. " + "\n    e.g. ".join(where[:3]))
    print(f"\nStatuses: {dict(sorted(statuses.items()))}")
    print(f"{pages} HTML pages checked, {failing} with errors, {total} errors")
    return 1 if total or any(s >= 500 for s in statuses) else 0


if __name__ == "__main__":
    sys.exit(main())

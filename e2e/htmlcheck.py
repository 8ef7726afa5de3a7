"""The HTML and accessibility checks of the browser journeys (and of ``python -m e2e.crawl_demo``).

- The Nu HTML checker (``vnu.jar`` from the npm package ``vnu-jar``, installed by ``make vnu`` into
  ``.venv/vnu/``, never fetched while tests run) runs as one local HTTP server for the whole test
  session: it takes 10-20 seconds to start, then checks a page in a tenth of a second. Only errors
  count; its warnings (such as a guessed language) do not.
- axe-core (vendored in ``e2e/vendor/axe-core/``) runs inside each page the journeys load; serious and
  critical violations count.

Java comes from Debian (``default-jre-headless``); ``make vnu`` installs it when ``java`` is missing.
"""

import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VNU_VERSION = "26.9.27"  # the Makefile pins the same version and checks the jar's SHA-256
VNU_JAR = Path(os.environ.get("VNU_JAR") or ROOT / ".venv" / "vnu" / f"vnu-{VNU_VERSION}.jar")
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_IMPACTS = ("serious", "critical")


class CheckerMissing(RuntimeError):
    pass


def _die_with_parent():
    """A function for Popen's preexec_fn that makes the checker stop when the test process dies, even
    killed (Linux's PR_SET_PDEATHSIG); looked up here so that the child only makes the call."""
    try:
        import ctypes
        import signal

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (ImportError, OSError, AttributeError):
        return None
    return lambda: prctl(1, signal.SIGTERM)


class Vnu:
    """The Nu HTML checker as a local server; ``errors(html)`` gives its errors for one document."""

    def __init__(self, jar: Path = VNU_JAR, startup_timeout: float = 600.0):
        if not jar.is_file():
            raise CheckerMissing(f"{jar} is missing: run `make vnu` (it installs the Nu HTML checker)")
        java = shutil.which("java")
        if java is None:
            raise CheckerMissing(
                "java is missing: run `make vnu` (it installs Debian's default-jre-headless)"
            )
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/?out=json&level=error"
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (kept open while the checker runs)
        self.process = subprocess.Popen(  # noqa: S603 (java and our pinned jar)
            [
                java,
                "-Xmx512m",
                "-Xss8m",
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(jar),
                "nu.validator.servlet.Main",
                str(self.port),
            ],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent(),
        )
        self._deadline = time.monotonic() + startup_timeout
        self._ready = False

    def _wait_ready(self):
        if self._ready:
            return
        while time.monotonic() < self._deadline:
            if self.process.poll() is not None:
                self._log.seek(0)
                raise RuntimeError(
                    f"the Nu HTML checker stopped: {self._log.read()[-2000:].decode(errors='replace')}"
                )
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                self._ready = True
                return
            time.sleep(0.3)
        raise RuntimeError("the Nu HTML checker did not start in time")

    def errors(self, html: str) -> list[dict]:
        """The checker's errors for one HTML document (dicts with line, message and extract)."""
        self._wait_ready()
        request = urllib.request.Request(  # noqa: S310 (our own local checker)
            self.url, data=html.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"}
        )
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (our own local checker)
            messages = json.load(response)["messages"]
        return [
            {"line": m.get("lastLine"), "message": m.get("message", ""), "extract": m.get("extract", "")}
            for m in messages
            if m.get("type") in ("error", "non-document-error")
        ]

    def close(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# An htmx answer is a fragment of a page: the checker sees it inside the element it is swapped into.
_FRAGMENT_PARENTS = {
    "option": ("<select aria-label=fragment>", "</select>"),
    "optgroup": ("<select aria-label=fragment>", "</select>"),
    "tr": ("<table>", "</table>"),
    "tbody": ("<table>", "</table>"),
    "li": ("<ul>", "</ul>"),
}


def fragment_document(fragment: str, lang: str = "en") -> str:
    """A whole document around an htmx answer, so that the checker judges only the fragment."""
    first = re.match(r"\s*<([a-zA-Z][a-zA-Z0-9-]*)", fragment)
    opening, closing = _FRAGMENT_PARENTS.get(first.group(1).lower() if first else "", ("", ""))
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>fragment</title></head>'
        f"<body>{opening}{fragment}{closing}</body></html>"
    )


def format_errors(errors: list[dict]) -> list[str]:
    return [f"line {e['line']}: {e['message']} [{e['extract'].strip()[:120]}]" for e in errors]


# Runs axe-core in the page; returns its serious and critical violations, one line each.
AXE_RUN_JS = """
async (impacts) => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => impacts.includes(v.impact))
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(", ")})`);
}
"""


def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(page, source: str) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now. The script is evaluated
    (not added as a <script> element), so the site's Content-Security-Policy does not stop it and
    pages without JavaScript are checked too."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    return page.evaluate(AXE_RUN_JS, list(AXE_IMPACTS))


# Per-request values that differ on every load of the same page; a page is checked once per content.
_VOLATILE = re.compile(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": |nonce=)"[^"]*"')


def _content_key(url: str, html: str) -> str:
    path = re.sub(r"[?#].*", "", url)
    stable = _VOLATILE.sub(r"\g<1>", html)
    return hashlib.sha256(f"{path}\n{stable}".encode()).hexdigest()


class PageChecks:
    """Watches every browser context of a test session: keeps each HTML document and htmx answer the
    server sends (checked by the Nu HTML checker) and the page as it stood when it loaded (checked by
    axe-core after the test, in a page of its own, so that the checks never race the journey)."""

    def __init__(self, vnu: Vnu):
        self.vnu = vnu
        self.axe_source = axe_source()
        self.seen_html: set[str] = set()
        self.seen_axe: set[str] = set()
        self.pending = 0
        self.documents = 0  # checked by vnu over the session
        self.axe_runs = 0
        self.unread: list[str] = []  # answers whose body the browser no longer had
        self.seconds = {"axe": 0.0, "vnu": 0.0}
        self.new_context = None  # the browser's own new_context, for the page axe-core runs in
        self._axe_page = None
        self._snapshot = ("", "")
        self.start_test()

    def start_test(self):
        self.html_errors: dict[str, list[str]] = {}
        self.axe_violations: dict[str, list[str]] = {}
        self.to_validate: list[tuple[str, str]] = []
        self.to_axe: list[tuple[str, str]] = []
        self.pages = []

    def watch_context(self, context):
        context.on("response", self._on_response)
        context.on("page", self._watch_page)
        for page in context.pages:
            self._watch_page(page)

    def _watch_page(self, page):
        self.pages.append(page)
        page.on("load", lambda: self._on_load(page))

    def _on_response(self, response):
        request = response.request
        htmx = request.headers.get("hx-request") == "true"
        if not (htmx or (request.resource_type == "document" and request.frame.parent_frame is None)):
            return
        if (
            not response.headers.get("content-type", "").startswith("text/html")
            or 300 <= response.status < 400
        ):
            return
        self.pending += 1
        try:
            html = response.text()
        except Exception:  # the page moved on and the browser dropped the body
            self.unread.append(response.url)
            return
        finally:
            self.pending -= 1
        key = _content_key(response.url, html)
        if key not in self.seen_html:
            self.seen_html.add(key)
            label = f"{request.method} {response.url} ({response.status}{', htmx' if htmx else ''})"
            self.to_validate.append((label, fragment_document(html) if htmx else html))

    def _on_load(self, page):
        self.pending += 1
        try:
            url, html = page.url, page.content()
        except Exception:  # navigated away or closed already: the next page is checked instead
            return
        finally:
            self.pending -= 1
        key = _content_key(url, html)
        if key not in self.seen_axe:
            self.seen_axe.add(key)
            self.to_axe.append((url, html))

    def _serve_snapshot(self, route):
        request = route.request
        if request.resource_type != "document":
            route.continue_()  # the site's own styles and scripts, from the live server
        elif request.url == self._snapshot[0].split("#")[0]:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=self._snapshot[1])
        else:
            route.abort()

    def _axe(self, url: str, html: str) -> list[str]:
        """axe-core on the page as it stood when it loaded, served again from its snapshot."""
        if self._axe_page is None:
            self._axe_page = self.new_context(locale="en-GB").new_page()
            self._axe_page.route("**/*", self._serve_snapshot)
        self._snapshot = (url, html)
        self._axe_page.goto(url)
        return run_axe(self._axe_page, self.axe_source)

    def finish_test(self, timeout: float = 30.0) -> list[str]:
        """Waits for checks still running; returns the problems found during the test."""
        deadline = time.monotonic() + timeout
        while self.pending and time.monotonic() < deadline:
            open_pages = [p for p in self.pages if not p.is_closed()]
            if not open_pages:
                break
            open_pages[0].wait_for_timeout(100)
        started = time.monotonic()
        for label, html in self.to_validate:
            self.documents += 1
            if errors := self.vnu.errors(html):
                self.html_errors[label] = format_errors(errors)
        self.seconds["vnu"] += time.monotonic() - started
        started = time.monotonic()
        for url, html in self.to_axe:
            self.axe_runs += 1
            if violations := self._axe(url, html):
                self.axe_violations[url] = violations
        self.seconds["axe"] += time.monotonic() - started
        problems = []
        for label, errors in self.html_errors.items():
            problems.append(f"Nu HTML checker, {label}:\n    " + "\n    ".join(errors))
        for url, violations in self.axe_violations.items():
            problems.append(f"axe-core, {url}:\n    " + "\n    ".join(violations))
        return problems

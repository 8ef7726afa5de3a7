"""Shared steps for the browser journeys."""

import re
import time
from urllib.parse import urlsplit

PASSWORD = "correct-horse-battery"  # UserFactory's password
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
FMT = "%Y-%m-%dT%H:%M"  # what a datetime-local input takes


def make_organiser(email, org_slug, org_name):
    """An organisation with an owner who has TOTP enrolled; returns (user, organisation, totp secret)."""
    from hramada.core.tests.helpers import enrol_totp
    from hramada.orgs.models import Role
    from hramada.orgs.tests.factories import MembershipFactory, OrganisationFactory
    from hramada.people.tests.factories import UserFactory

    user = UserFactory(email=email)
    org = OrganisationFactory(name=org_name, name_en=org_name, slug=org_slug)
    MembershipFactory(organisation=org, person=user.person, role=Role.OWNER)
    return user, org, enrol_totp(user)


def open_menu(page):
    """On a phone the main menu is folded behind "Menu": open it (a no-op on a wider screen)."""
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def login(page, server, email, password=PASSWORD, *, totp_secret=None):
    """Log in through the form; with ``totp_secret``, answer allauth's two-factor step as well."""
    page.goto(f"{server}/en/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if totp_secret is not None:
        page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
        code = page.locator("input[name=code]")
        code.fill(totp_code(totp_secret))
        page.locator("main form").filter(has=code).locator("button[type=submit]").first.click()
        page.wait_for_load_state()


def totp_code(secret: str) -> str:
    """The current code; waits out the last seconds of a 30-second step so the code is still valid
    when the server checks it (allauth accepts only the current step)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.2)
    counter = int(time.time()) // 30
    return format_hotp_value(hotp_value(secret, counter))


def same_origin(url: str, server: str) -> bool:
    a, b = urlsplit(url), urlsplit(server)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


# Returns the visible form controls that have no accessible label (as short HTML snippets).
UNLABELLED_CONTROLS_JS = r"""
() => {
  const visible = (el) => {
    if (el.type === "hidden" || el.hidden) return false;
    const st = getComputedStyle(el);
    if (st.display === "none" || st.visibility === "hidden") return false;
    return el.getClientRects().length > 0;
  };
  const text = (el) => (el && el.textContent || "").trim();
  const bad = [];
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (!visible(el)) continue;
    const byFor = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
    const byAria = (el.getAttribute("aria-label") || "").trim();
    const ids = (el.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
    const byLabelledby = ids.length > 0 && ids.every((id) => text(document.getElementById(id)));
    const wrapped = el.closest("label");
    if (!(text(byFor) || byAria || byLabelledby || text(wrapped))) bad.push(el.outerHTML.slice(0, 160));
  }
  return bad;
}
"""

# Returns aria-describedby references that point at nothing or at an element without text.
EMPTY_DESCRIPTIONS_JS = r"""
() => {
  const bad = [];
  for (const el of document.querySelectorAll("[aria-describedby]")) {
    for (const id of el.getAttribute("aria-describedby").split(/\s+/).filter(Boolean)) {
      const target = document.getElementById(id);
      if (!target || !target.textContent.trim()) bad.push(`${el.id || el.name} -> #${id}`);
    }
  }
  return bad;
}
"""

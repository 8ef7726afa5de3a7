"""A participant's community work in Chromium: she writes a needs assessment, builds and opens a
residents' survey, two residents answer and rank the needs on the public link (one on a 390 px
phone), the needs page shows their ranking, and she writes and submits an action plan."""

import os
import tempfile

import pytest
from playwright.sync_api import expect

from e2e.helpers import PASSWORD, PHONE

pytestmark = pytest.mark.e2e

SCREENSHOT_DIR = os.environ.get("E2E_SCREENSHOTS", os.path.join(tempfile.gettempdir(), "hramada-e2e"))


@pytest.fixture
def marina(transactional_db):
    from hramada.people.tests.factories import UserFactory
    from hramada.places.tests.factories import CommunityFactory
    from hramada.programmes.tests.factories import CohortFactory, ParticipantFactory, ProgrammeFactory

    user = UserFactory(email="marina@example.org")
    programme = ProgrammeFactory(
        title="Leadership in local communities", title_en="Leadership in local communities"
    )
    cohort = CohortFactory(programme=programme, title="2026", title_en="2026")
    community = CommunityFactory(name="Bashni", name_en="Bashni", slug="bashni")
    return ParticipantFactory(cohort=cohort, person=user.person, community=community)


def _login(page, server, email):
    page.goto(f"{server}/en/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _resident_answers(context, url, ranks, *, shot=None):
    page = context.new_page()
    page.goto(url)
    expect(page.locator("h1")).to_contain_text("What does Bashni need?")
    page.get_by_label("How long have you lived here?").select_option(label="Over 10 years")
    for need, rank in ranks.items():
        page.get_by_label(need).select_option(rank)
    if shot:
        page.screenshot(path=os.path.join(SCREENSHOT_DIR, shot), full_page=True)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator(".status-ok")).to_contain_text("Thank you")
    page.close()


def test_needs_survey_ranking_and_plan(new_context, server, marina):
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    context = new_context()
    page = context.new_page()
    _login(page, server, "marina@example.org")
    page.goto(f"{server}/en/me/programmes/{marina.public_id}/work/")
    expect(page.locator("h1")).to_have_text("My community work")

    # The needs assessment and two needs.
    page.get_by_role("link", name="Start a needs assessment").click()
    page.get_by_label("Title").fill("What Bashni needs")
    page.get_by_label("How residents were asked").fill("A meeting at the club and a survey.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("What Bashni needs")
    for title in ("A playground", "A bus shelter"):
        page.get_by_role("link", name="Add a need").click()
        page.locator("#id_title").fill(title)
        page.get_by_role("button", name="Save").click()

    # The survey: one question, opened.
    page.get_by_role("link", name="Residents' survey").click()
    page.locator("#id_kind").select_option("choice")
    page.locator("#id_label_en").fill("How long have you lived here?")
    page.locator("#id_choices_en").fill("Under 10 years\nOver 10 years")
    page.get_by_role("button", name="Add question").click()
    page.get_by_role("button", name="Open the survey").click()
    survey_url = page.locator("#survey-url").input_value()

    # Two residents, no login, one of them on a phone.
    _resident_answers(new_context(), survey_url, {"A bus shelter": "1", "A playground": "2"})
    _resident_answers(
        new_context(**PHONE), survey_url, {"A bus shelter": "1"}, shot="programmes-survey-390.png"
    )

    page.goto(page.url.replace("survey/", ""))
    expect(page.locator("#needs-list + p")).to_contain_text("2 residents answered the survey")
    expect(page.locator("ol.cards li").first).to_contain_text("A bus shelter")

    # The action plan, submitted.
    page.goto(f"{server}/en/me/programmes/{marina.public_id}/work/")
    page.get_by_role("link", name="Write an action plan").click()
    page.get_by_label("Title").fill("A bus shelter by October")
    page.get_by_label("Goals").fill("A shelter at the stop, built with residents.")
    page.get_by_label("A bus shelter").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Add an activity").click()
    page.get_by_label("Activity").fill("Residents' meeting")
    page.get_by_label("Starts").fill("2026-05-01")
    page.get_by_role("button", name="Save").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit the plan").click()
    expect(page.locator("h1 + p.meta")).to_contain_text("Submitted")
    phone = new_context(**PHONE).new_page()
    _login(phone, server, "marina@example.org")
    phone.goto(page.url)
    phone.screenshot(path=os.path.join(SCREENSHOT_DIR, "programmes-plan-390.png"), full_page=True)

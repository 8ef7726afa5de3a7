"""Selection in Chromium on a phone: the lead organiser states the rules, asks for a proposal (a rule
brings in an applicant the plain ranking left out), moves one pick by hand with a reason, freezes the
list (the fingerprint is shown) and decides; the accepted applicant confirms their place on the
decision page."""

import os
import re
import tempfile

import pytest
from playwright.sync_api import expect

from e2e.helpers import PHONE, login, make_organiser

pytestmark = pytest.mark.e2e

SCREENSHOT_DIR = os.environ.get("E2E_SCREENSHOTS", os.path.join(tempfile.gettempdir(), "hramada-e2e"))


@pytest.fixture
def selection_world(transactional_db):
    from django.utils import timezone

    from hramada.people.tests.factories import UserFactory
    from hramada.places.tests.factories import CommunityFactory, RegionFactory, SettlementFactory
    from hramada.programmes.tests.factories import ApplicationFactory, CohortFactory, ProgrammeFactory
    from hramada.reviews.tests.factories import (
        AssignmentFactory,
        CriterionFactory,
        ItemFactory,
        ReviewerFactory,
        RoundFactory,
    )

    _user, org, secret = make_organiser("lena@example.org", "local-leaders", "Local Leaders")
    programme = ProgrammeFactory(
        organisation=org,
        title="Leadership in local communities",
        title_en="Leadership in local communities",
        slug="leadership",
    )
    round_ = RoundFactory(organisation=org, normalise=False, criteria=0)
    criterion = CriterionFactory(rubric=round_.rubric, scale_min=0, scale_max=10, weight=1)
    cohort = CohortFactory(
        programme=programme, title="2026", title_en="2026", slug="2026", review_round=round_
    )
    minsk = RegionFactory(code="BY-HM", name="Minsk", name_en="Minsk")
    vitebsk = RegionFactory(code="BY-VI", name="Vitebsk Region", name_en="Vitebsk Region")
    uruchcha = CommunityFactory(
        name="Uruchcha", name_en="Uruchcha", settlement=SettlementFactory(region=minsk)
    )
    bashni = CommunityFactory(name="Bashni", name_en="Bashni", settlement=SettlementFactory(region=vitebsk))
    people = [
        ("Ales Minsky", uruchcha, 9),
        ("Olga Minskaya", uruchcha, 8),
        ("Pavel Minsky", uruchcha, 7),
        ("Marina Alekseenko", bashni, 3),
    ]
    reviewer = ReviewerFactory(round=round_)
    applications = {}
    for name, community, value in people:
        user = UserFactory(email=f"{name.split()[0].lower()}@example.org")
        user.person.display_name = name
        user.person.save()
        application = ApplicationFactory(cohort=cohort, person=user.person, community=community)
        item = ItemFactory(round=round_, subject_key=application.subject_key, title=name)
        assignment = AssignmentFactory(round=round_, item=item, reviewer=reviewer)
        assignment.scores.create(criterion=criterion, value=value)
        assignment.status = "done"
        assignment.submitted_at = timezone.now()
        assignment.save()
        applications[name] = application
    return {"secret": secret, "cohort": cohort, "applications": applications}


def test_rules_proposal_change_freeze_decide_and_confirm(new_context, server, selection_world):
    from hramada.programmes.models import Application, Participant

    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    context = new_context(**PHONE)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, server, "lena@example.org", totp_secret=selection_world["secret"])
    url = f"{server}/en/manage/programmes/leadership/2026/selection/"
    page.goto(url)
    expect(page.locator("h1")).to_have_text("Selection")

    page.get_by_label("Cohort size").fill("3")
    page.get_by_label("At least this many per region").fill("1")
    page.get_by_label("Waiting list length").fill("1")
    page.get_by_role("button", name="Save the rules").click()
    expect(page.locator(".messages")).to_contain_text("The rules are saved")

    page.get_by_role("button", name="Propose a selection").click()
    expect(page.locator(".messages")).to_contain_text("The proposal is ready")
    table = page.locator("#applicants-h ~ .table-scroll")
    marina = table.locator("tr", has_text="Marina Alekseenko")
    expect(marina).to_contain_text("brought in")
    expect(table.locator("tr", has_text="Pavel Minsky")).to_contain_text("pushed out")
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "selection-proposal-390.png"), full_page=True)

    # Move one pick by hand: Olga out, with a reason; Pavel in.
    table.locator("tr", has_text="Olga Minskaya").get_by_role("link", name=re.compile("Remove")).click()
    page.get_by_label("Change").select_option("remove")
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator("main form.stack")).to_contain_text("This field is required")
    page.get_by_label("Reason").fill("Has moved to Vilnius for the year")
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator(".messages")).to_contain_text("The selection is changed")
    table.locator("tr", has_text="Pavel Minsky").get_by_role("link", name=re.compile("Add")).click()
    page.get_by_label("Change").select_option("add")
    page.get_by_label("Reason").fill("Strong support from the village council")
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator("#changes-h + ul")).to_contain_text("Has moved to Vilnius")

    page.get_by_role("button", name=re.compile("Freeze the list of 3 applicants")).click()
    expect(page.locator(".fingerprint")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    page.get_by_role("button", name="Decide and e-mail the applicants").click()
    expect(page.locator(".messages")).to_contain_text("3 accepted, 1 on the waiting list, 0 not selected")
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "selection-frozen-390.png"), full_page=True)

    olga = Application.objects.get(pk=selection_world["applications"]["Olga Minskaya"].pk)
    assert olga.status == Application.Status.WAITLISTED

    # Marina confirms her place from My applications.
    applicant = new_context(**PHONE).new_page()
    login(applicant, server, "marina@example.org")
    applicant.goto(f"{server}/en/me/applications/")
    applicant.get_by_role("link", name=re.compile("confirm or decline")).click()
    applicant.get_by_role("button", name="Confirm my place").click()
    expect(applicant.locator(".messages")).to_contain_text("Your place is confirmed")
    applicant.screenshot(path=os.path.join(SCREENSHOT_DIR, "selection-decision-390.png"), full_page=True)
    assert Participant.objects.filter(person__display_name="Marina Alekseenko").exists()

"""A contest winner becomes a local initiative that recruits volunteers, in Chromium on a phone: the
organiser starts the initiative from the awards page, publishes it, adds a volunteer role with a shift
of two places; three people try to sign up (the third, whose page still showed a free place, is
refused clearly and nothing is lost), one cancels on "My volunteering", and the third signs up."""

import os
import re
import tempfile
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from e2e.helpers import FMT, PHONE, login, make_organiser

pytestmark = pytest.mark.e2e

SCREENSHOT_DIR = os.environ.get("E2E_SCREENSHOTS", os.path.join(tempfile.gettempdir(), "hramada-e2e"))


@pytest.fixture
def winner(transactional_db, places):
    from django.utils import timezone

    from hramada.awards.tests.factories import AwardFactory
    from hramada.contests.tests.factories import (
        CategoryFactory,
        ContestFactory,
        EditionFactory,
        ProjectFactory,
    )
    from hramada.people.tests.factories import UserFactory
    from hramada.places.tests.factories import CommunityFactory, SettlementFactory

    user, org, secret = make_organiser("olga@example.org", "social-weekend", "Social Weekend")
    contest = ContestFactory(organisation=org, title_en="Social Weekend", slug="sw")
    edition = EditionFactory(contest=contest, title_en="4th Social Weekend", year=2015)
    community = CommunityFactory(
        settlement=SettlementFactory(name="Bashni", name_en="Bashni"),
        name="Bashni",
        name_en="Bashni",
        slug="bashni",
    )
    project = ProjectFactory(
        category=CategoryFactory(edition=edition),
        edition=edition,
        title="Bashni: a village brand",
        summary="A brand and a festival for the village.",
        community=community,
    )
    award = AwardFactory(
        edition=edition,
        title_en="RealtBy prize",
        project=project,
        prize_amount=1500,
        decided_at=timezone.now(),
    )
    volunteers = [UserFactory(email=f"{name}@example.org") for name in ("anna", "boris", "vera")]
    return {"secret": secret, "edition": edition, "award": award, "volunteers": volunteers}


def test_a_winner_becomes_an_initiative_and_recruits_volunteers_into_a_shift(new_context, server, winner):
    from django.utils import timezone

    from hramada.initiatives.models import Initiative, ShiftSignup

    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    context = new_context(**PHONE)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, server, "olga@example.org", totp_secret=winner["secret"])
    edition = winner["edition"]

    # The organiser starts the initiative from the awards page.
    page.goto(f"{server}/en/manage/contests/sw/{edition.public_id}/awards/prizes/")
    page.get_by_role("link", name="Start an initiative").click()
    expect(page.locator("h1")).to_have_text("Start an initiative from a contest winner")
    page.locator("#id_title_en").fill("Bashni brand")
    page.get_by_role("button", name="Start the initiative").click()
    expect(page.locator(".messages")).to_contain_text("now an initiative")
    initiative = Initiative.objects.get(award=winner["award"])
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("Published")

    # A volunteer role and a shift of two places, tomorrow afternoon.
    page.get_by_role("link", name="Volunteers").first.click()
    page.locator("#id_title_en").fill("Festival steward")
    page.get_by_role("button", name="Add the role").click()
    expect(page.locator(".messages")).to_contain_text("Role added")
    start = timezone.localtime() + timedelta(days=2)
    page.locator("#id_starts_at").fill(start.strftime(FMT))
    page.locator("#id_ends_at").fill((start + timedelta(hours=3)).strftime(FMT))
    page.locator("#id_capacity").fill("2")
    page.get_by_role("button", name="Add the shift").click()
    expect(page.locator(".messages")).to_contain_text("Shift added")
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "initiative-volunteers-manage.png"), full_page=True)

    detail = f"{server}/en/initiatives/{initiative.slug}/"
    anna, boris, vera = winner["volunteers"]
    pages = {}
    for user in (anna, boris, vera):
        volunteer_context = new_context(**PHONE)
        pages[user.email] = p = volunteer_context.new_page()
        p.on("dialog", lambda dialog: dialog.accept())
        login(p, server, user.email)
        p.goto(detail)
        expect(p.locator("#volunteers")).to_contain_text("2 places left")

    # Anna and Boris sign up; Vera's page still shows a free place from before.
    for email in ("anna@example.org", "boris@example.org"):
        p = pages[email]
        p.get_by_role("button", name="Volunteer for this shift").click()
        expect(p.locator(".messages")).to_contain_text("You are signed up")
    vera_page = pages["vera@example.org"]
    vera_page.get_by_role("button", name="Volunteer for this shift").click()
    expect(vera_page.locator(".messages")).to_contain_text("This shift is full. Nothing was saved")
    expect(vera_page.locator("#volunteers")).to_contain_text("full")
    expect(vera_page.get_by_role("button", name="Volunteer for this shift")).to_have_count(0)
    assert ShiftSignup.objects.filter(cancelled_at__isnull=True).count() == 2
    vera_page.screenshot(path=os.path.join(SCREENSHOT_DIR, "initiative-page-full.png"), full_page=True)

    # Boris cancels on "My volunteering".
    boris_page = pages["boris@example.org"]
    boris_page.goto(f"{server}/en/me/volunteering/")
    expect(boris_page.locator("main")).to_contain_text("Festival steward")
    boris_page.get_by_role("button", name="Cancel my sign-up").click()
    expect(boris_page.locator(".messages")).to_contain_text("cancelled")
    expect(boris_page.locator("main")).to_contain_text("cancelled")

    # Now Vera gets the place.
    vera_page.goto(detail)
    expect(vera_page.locator("#volunteers")).to_contain_text("1 place left")
    vera_page.get_by_role("button", name="Volunteer for this shift").click()
    expect(vera_page.locator(".messages")).to_contain_text("You are signed up")
    expect(vera_page.locator("#volunteers")).to_contain_text("full")
    active = ShiftSignup.objects.filter(cancelled_at__isnull=True).values_list(
        "person__user__email", flat=True
    )
    assert sorted(active) == ["anna@example.org", "vera@example.org"]

    # The organiser sees who comes; the public results link the award to the initiative.
    page.goto(f"{server}/en/manage/initiatives/{initiative.slug}/volunteers/")
    expect(page.locator("main")).to_contain_text("2 of 2 places taken")
    page.goto(detail)
    expect(page.locator("main")).to_contain_text("RealtBy prize")
    assert re.search(r"Bashni", page.locator("main").inner_text())
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "initiative-page.png"), full_page=True)


def test_organiser_keeps_the_budget_activities_and_story(new_context, server, winner, tmp_path):
    """The other organiser pages on a phone: a budget line and an expense with a PDF receipt (opened
    by the organiser), an activity created as an event, a story update with a photo; the public page
    shows planned and spent, never the receipt."""
    from django.utils import timezone
    from PIL import Image

    from hramada.core.tests.helpers import minimal_pdf
    from hramada.initiatives import services
    from hramada.initiatives.tests.factories import organiser
    from hramada.people.models import User

    olga = organiser(User.objects.get(email="olga@example.org"))
    initiative = services.start_from_award(actor=olga, award=winner["award"], title_en="Bashni brand")
    services.publish(actor=olga, initiative=initiative)
    receipt, photo = tmp_path / "receipt.pdf", tmp_path / "festival.jpg"
    receipt.write_bytes(minimal_pdf())
    Image.new("RGB", (64, 48), "green").save(photo, format="JPEG")

    context = new_context(**PHONE)
    page = context.new_page()
    login(page, server, "olga@example.org", totp_secret=winner["secret"])
    manage = f"{server}/en/manage/initiatives/{initiative.slug}/"
    page.goto(manage)
    expect(page.locator("h1")).to_have_text("Bashni brand")

    page.goto(manage + "budget/")
    page.locator("#id_title").fill("Festival stage")
    page.locator("#id_planned").fill("900")
    page.get_by_role("button", name="Add the line").click()
    expect(page.locator(".messages")).to_contain_text("Budget line added")
    page.locator("#id_amount").fill("350")
    page.locator("#id_spent_on").fill(timezone.localdate().isoformat())
    page.locator("#id_note").fill("Stage rental")
    page.locator("#id_receipt").set_input_files(str(receipt))
    page.get_by_role("button", name="Record the expense").click()
    expect(page.locator(".messages")).to_contain_text("Expense recorded")
    expect(page.locator("main")).to_contain_text("spent 350.00 BYN, left 550.00 BYN")
    with page.expect_response(re.compile(r"/receipt/$")) as receipt_response:
        page.evaluate("url => fetch(url)", page.get_by_role("link", name="Receipt").get_attribute("href"))
    assert receipt_response.value.status == 200
    assert receipt_response.value.headers["content-type"] == "application/pdf"
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "initiative-budget.png"), full_page=True)

    page.goto(manage + "activities/")
    start = timezone.localtime() + timedelta(days=20)
    page.locator("#id_kind").select_option("marathon")
    page.locator("#id_title").fill("Final marathon")
    page.locator("#id_starts_at").fill(start.strftime(FMT))
    page.locator("#id_ends_at").fill((start + timedelta(hours=4)).strftime(FMT))
    page.get_by_role("button", name="Create and link the event").click()
    expect(page.locator(".messages")).to_contain_text("The event is created and linked")

    page.goto(manage + "updates/")
    page.locator("#id_text").fill("The stage is booked.")
    page.locator("#id_photo").set_input_files(str(photo))
    page.get_by_role("button", name="Post the update").click()
    expect(page.locator(".messages")).to_contain_text("The update is on the initiative's page")

    page.goto(f"{server}/en/initiatives/{initiative.slug}/")
    main = page.locator("main")
    expect(main).to_contain_text("Festival stage")
    expect(main).to_contain_text("900.00 BYN")
    expect(main).to_contain_text("Final marathon")
    expect(main).to_contain_text("The stage is booked.")
    expect(main).not_to_contain_text("Stage rental")
    expect(page.get_by_role("link", name="Receipt")).to_have_count(0)
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "initiative-page-story.png"), full_page=True)

    # The list with its filters, the details form and the organisation's list (checked pages too).
    page.goto(f"{server}/en/initiatives/")
    page.locator("#f-community").select_option("bashni")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("main .cards")).to_contain_text("Bashni brand")
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "initiatives-list.png"), full_page=True)
    page.goto(manage + "edit/")
    page.locator("#id_story_en").fill("Bashni became a brand: a festival, a logo, a stage.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Saved")
    page.goto(f"{server}/en/manage/organisations/social-weekend/initiatives/")
    expect(page.locator("main")).to_contain_text("Bashni brand")

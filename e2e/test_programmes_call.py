"""A programme's call in Chromium: the organiser creates a programme and a cohort and opens its call;
two applicants apply on phones, one in Belarusian and one in Russian (the draft saves itself, then they
submit); after the deadline the organiser sees both applications, opens the selection review with a
rubric, adds a reviewer who is assigned automatically, and the reviewer reads an application and
scores it."""

import datetime
import os
import re
import tempfile

import pytest
from playwright.sync_api import expect

from e2e.helpers import FMT, PHONE, login, make_organiser

pytestmark = pytest.mark.e2e

SCREENSHOT_DIR = os.environ.get("E2E_SCREENSHOTS", os.path.join(tempfile.gettempdir(), "hramada-e2e"))


def _problems(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" or "Content Security Policy" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


@pytest.fixture
def call_world(places):
    from hramada.people.tests.factories import UserFactory
    from hramada.places.models import Region
    from hramada.places.tests.factories import SettlementFactory
    from hramada.reviews import services as review_services

    user, org, secret = make_organiser("lena@example.org", "local-leaders", "Local Leaders")
    user.two_factor_passed = True
    review_services.create_rubric(
        actor=user,
        organisation=org,
        title="Selection rubric",
        criteria=[{"title": "Motivation", "weight": 1, "scale_min": 1, "scale_max": 10}],
    )
    region = Region.objects.filter(country__code="BY").order_by("code").first()
    applicants = {}
    for email, name, lang in (
        ("marina@example.org", "Marina Alekseenko", "be"),
        ("aleksandr@example.org", "Aleksandr Semenov", "ru"),
    ):
        applicant = UserFactory(email=email)
        person = applicant.person
        person.display_name, person.preferred_language = name, lang
        person.home_settlement = SettlementFactory(region=region, name=f"Village of {name}")
        person.save()
        applicants[lang] = applicant
    UserFactory(email="reviewer@example.org")
    return {"secret": secret, "org": org, "applicants": applicants}


def test_call_apply_in_be_and_ru_review(new_context, server, call_world):
    from django.utils import timezone

    from hramada.programmes.models import Application, Cohort
    from hramada.questions.models import Question

    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    page = new_context().new_page()
    problems = _problems(page)
    login(page, server, "lena@example.org", totp_secret=call_world["secret"])

    # The programme, from the organisation's organiser menu.
    page.goto(f"{server}/en/manage/organisations/local-leaders/programmes/new/")
    page.get_by_label("Short name in links").fill("leaders")
    page.locator("#id_title_en").fill("Leadership in local communities")
    page.locator("#id_title_be").fill("Лідарства ў мясцовых супольнасцях")
    page.locator("#id_title_ru").fill("Лидерство в местных сообществах")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Programme created")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("public")

    # A cohort whose call is open now.
    page.get_by_role("link", name="New cohort").click()
    now = timezone.localtime()
    page.get_by_label("Short name in links").fill("y2027")
    page.locator("#id_title_en").fill("Cohort 2027")
    page.locator("#id_starts_on").fill("2027-02-01")
    page.locator("#id_ends_on").fill("2027-11-30")
    page.locator("#id_call_opens_at").fill((now - datetime.timedelta(hours=1)).strftime(FMT))
    page.locator("#id_call_closes_at").fill((now + datetime.timedelta(days=14)).strftime(FMT))
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Cohort created")
    cohort = Cohort.objects.get(slug="y2027")
    question = Question.objects.create(
        form=cohort.application_form,
        kind="long_text",
        label="Why do you want to take part?",
        label_en="Why do you want to take part?",
        label_be="Чаму вы хочаце ўдзельнічаць?",
        label_ru="Почему вы хотите участвовать?",
        required=True,
        order=1,
    )
    page.reload()
    expect(page.locator("main")).to_contain_text("Why do you want to take part?")
    page.get_by_role("button", name="Publish the cohort").click()
    expect(page.locator(".messages")).to_contain_text("public")

    # Two applicants on phones, in Belarusian and in Russian.
    for lang, text in (("be", "Хачу зрабіць нашу вёску лепшай."), ("ru", "Хочу объединить соседей.")):
        applicant = call_world["applicants"][lang]
        phone = new_context(**PHONE).new_page()
        phone_problems = _problems(phone)
        login(phone, server, applicant.email)
        phone.goto(f"{server}/{lang}/programmes/leaders/")
        phone.locator(f"a[href='/{lang}/programmes/leaders/y2027/']").first.click()
        phone.locator("main form[action$='/apply/'] button[type=submit]").click()
        phone.wait_for_url(re.compile(r"/applications/"))
        field = phone.locator(f"#id_q_{question.pk}")
        field.fill(text)
        field.blur()
        expect(phone.locator("#save-status")).not_to_be_empty()
        phone.screenshot(
            path=os.path.join(SCREENSHOT_DIR, f"programme-application-{lang}.png"), full_page=True
        )
        phone.locator("main button[name=submit]").click()
        phone.wait_for_load_state()
        application = Application.objects.get(person=applicant.person)
        assert application.status == "submitted", application.status
        assert application.response.answers.get().value == text
        expect(phone.locator("main")).to_contain_text(text)
        assert not phone_problems, phone_problems
        phone.context.close()

    # After the deadline: the applications, the review round, a reviewer assigned automatically.
    Cohort.objects.filter(pk=cohort.pk).update(
        call_opens_at=timezone.now() - datetime.timedelta(days=20),
        call_closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    page.goto(f"{server}/en/manage/programmes/leaders/y2027/applications/")
    expect(page.locator("main tbody tr")).to_have_count(2)
    page.goto(f"{server}/en/manage/programmes/leaders/y2027/call/")
    page.get_by_label("Rubric").select_option(label="Selection rubric")
    page.get_by_label("Reviews per application").fill("1")
    page.get_by_role("button", name="Open the review").click()
    expect(page.locator(".messages")).to_contain_text("The review round is open")
    page.get_by_role("navigation", name="Review round").get_by_role(
        "link", name="Reviewers and conflicts"
    ).click()
    page.get_by_label("e-mail of the reviewer's account").fill("reviewer@example.org")
    page.get_by_role("button", name="Add the reviewer").click()
    expect(page.locator(".messages")).to_contain_text("The reviewer is added.")
    page.get_by_role("navigation", name="Review round").get_by_role("link", name="Assignments").click()
    page.get_by_role("link", name="Assign automatically").click()
    page.get_by_role("button", name="Confirm and assign").click()
    expect(page.locator(".messages")).to_contain_text("2 assignments were made.")

    # The reviewer reads Marina's answers and scores.
    reviewer = new_context().new_page()
    reviewer_problems = _problems(reviewer)
    login(reviewer, server, "reviewer@example.org")
    reviewer.goto(f"{server}/en/reviews/")
    reviewer.get_by_role("link", name="Marina Alekseenko").click()
    with reviewer.context.expect_page() as opened:  # the review page opens the answers in a new tab
        reviewer.get_by_role("link", name="Read the submission").click()
    answers = opened.value
    answers.wait_for_load_state()
    expect(answers.locator("main")).to_contain_text("Хачу зрабіць нашу вёску лепшай.")
    answers.close()
    reviewer.get_by_label(re.compile(r"^Motivation\b")).fill("8")
    reviewer.get_by_role("button", name="Submit my review").click()
    expect(reviewer.locator(".messages")).to_contain_text("Your review is saved.")

    page.goto(f"{server}/en/programmes/leaders/y2027/")
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "programme-cohort.png"), full_page=True)
    assert not problems, problems
    assert not reviewer_problems, reviewer_problems

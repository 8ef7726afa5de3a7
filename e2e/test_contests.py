"""Contest journeys (issue 3, "Done means"): an organiser sets up a contest, a team submits a project and
the organiser screens it; the public votes with the in-browser proof of work, checks its receipt in the
published ballot, and a bot-like burst is flagged and annulled; experts and the jury score, finalists
are confirmed, winners and a sponsor's award decided and published with the CSV export; the Belarusian
contest pages load without CSP violations or third-party requests."""

import csv
import hashlib
import io
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from e2e import helpers
from e2e.helpers import FMT, PHONE, login, same_origin

pytestmark = pytest.mark.e2e


# --- set-up helpers -----------------------------------------------------------------------------------


def make_organiser(email, org_slug, org_name="Social Weekend Team"):
    return helpers.make_organiser(email, org_slug, org_name)


def old_user(email, name=None):
    """A voter or team member whose account is months old (new accounts get a harder vote check)."""
    from django.utils import timezone

    from hramada.people.tests.factories import UserFactory

    user = UserFactory(email=email)
    type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=90))
    if name:
        user.person.display_name = name
        user.person.save(update_fields=["display_name"])
    return user


def watch_console(page) -> list[str]:
    """Console errors, CSP violations and uncaught exceptions of the page, as they happen."""
    problems: list[str] = []

    def on_console(msg):
        if msg.type == "error" or "Content Security Policy" in msg.text:
            problems.append(f"console {msg.type}: {msg.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    return problems


def png_bytes(color=(200, 40, 40)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "PNG")
    return out.getvalue()


def local(dt):
    from django.utils import timezone

    return timezone.localtime(dt).strftime(FMT)


# --- 1. Set-up, submission and screening ---------------------------------------------------------------


def test_organiser_sets_up_contest_team_submits_and_is_screened(page, new_context, server, places, tmp_path):
    from django.utils import timezone

    from hramada.contests.models import Contest, Project
    from hramada.contests.tests.factories import ProjectFactory
    from hramada.places.tests.factories import SettlementFactory

    _user, org, secret = make_organiser("alena@example.org", "sw-team")
    SettlementFactory(name="Hlusk", name_en="Hlusk")
    old_user("maksim@example.org", "Maksim Lis")
    now = timezone.now()

    problems = watch_console(page)
    login(page, server, "alena@example.org", totp_secret=secret)

    # The contest, then its first edition.
    page.goto(f"{server}/en/manage/organisations/sw-team/contests/")
    expect(page.locator("main")).to_contain_text("This organisation runs no contest yet.")
    page.locator("#id_title_en").fill("Social Weekend")
    page.get_by_role("button", name="Create contest").click()
    expect(page.locator(".messages")).to_contain_text("Contest created. Now add its first edition.")
    contest = Contest.objects.get(organisation=org)
    page.locator("#id_title_en").fill("7th Social Weekend, 2025")
    page.locator("#id_year").fill("2025")
    page.locator("main form").get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Edition created.")
    edition = contest.editions.get()
    base = f"{server}/en/manage/contests/{contest.slug}/{edition.public_id}/"
    expect(page).to_have_url(base)
    nav = page.get_by_role("navigation", name="Edition")

    # A category.
    nav.get_by_role("link", name="Categories").click()
    page.locator("#id_new-title_en").fill("We build the world around us")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Category added.")

    # The stages: the call is open now, screening and the vote follow.
    nav.get_by_role("link", name="Stages").click()

    def add_stage(kind, starts, ends):
        page.locator("#id_kind").select_option(kind)
        page.locator("#id_starts_at").fill(local(starts))
        page.locator("#id_ends_at").fill(local(ends))
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.locator(".messages")).to_contain_text("Stage added.")

    add_stage("call", now - timedelta(days=1), now + timedelta(days=10))
    add_stage("screening", now + timedelta(days=10), now + timedelta(days=14))
    add_stage("public_vote", now + timedelta(days=14), now + timedelta(days=21))
    current = page.locator("main tbody tr[aria-current=step]")
    expect(current).to_contain_text("Call for projects")
    expect(current).to_contain_text("now")

    # The submission form, built from a text and a choice question.
    nav.get_by_role("link", name="Submission form").click()
    page.get_by_role("button", name="Create a new form for this edition").click()
    expect(page.locator(".messages")).to_contain_text("Form created. Now add its questions.")

    def add_question(kind, label, *, choices=None):
        page.locator("#id_kind").select_option(kind)
        page.locator("#id_label_en").fill(label)
        page.locator("#id_required").check()
        if choices:
            page.locator("#id_choices_en").fill("\n".join(choices))
        page.get_by_role("button", name="Add question").click()
        expect(page.locator(".question-list")).to_contain_text(label)

    add_question("text", "Who benefits?")
    add_question("choice", "Project stage", choices=["Idea", "Pilot", "Running"])
    expect(page.locator(".question-list > li")).to_have_count(2)
    edition.refresh_from_db()
    assert edition.submission_form is not None
    assert edition.submission_form.questions.count() == 2

    # The edition is a draft: the public does not see it until the organiser checks and publishes it.
    anon_draft = new_context().new_page()
    assert anon_draft.goto(f"{server}/en/contests/{contest.slug}/{edition.public_id}/").status == 404
    anon_draft.close()
    page.goto(base)
    expect(page.locator("main")).to_contain_text(
        "Only the organisers see this edition until it is published."
    )
    page.get_by_role("link", name="Check and publish").click()
    expect(page.locator("main")).not_to_contain_text("Before you can publish")
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messages")).to_contain_text("The edition is published")

    # Another project, submitted earlier, to be screened out.
    category = edition.categories.get()
    other = ProjectFactory(
        category=category,
        title="Lottery for a car",
        status=Project.Status.SUBMITTED,
        submitted_at=now,
    )

    # A team member (on a phone) starts a draft from the public edition page.
    team = new_context(**PHONE).new_page()
    team_problems = watch_console(team)
    login(team, server, "maksim@example.org")
    team.goto(f"{server}/en/contests/{contest.slug}/{edition.public_id}/")
    team.get_by_role("link", name="Submit a project").click()
    team.locator("#id_title").fill("Free creative space")
    team.get_by_role("button", name="Start the draft").click()
    expect(team.locator(".messages")).to_contain_text("Your draft is saved.")
    project = Project.objects.get(edition=edition, title="Free creative space")
    expect(team).to_have_url(f"{server}/en/my/projects/{project.public_id}/")

    # The draft saves itself as the team types.
    team.locator("#id_summary").fill("A room with paints, a loom and a 3D printer, open to every teenager.")
    expect(team.locator("#save-status")).to_contain_text("Saved at", timeout=20_000)
    project.refresh_from_db()
    assert project.summary.startswith("A room with paints")

    # The place and the organiser's questions.
    team.get_by_label("Type to search").fill("Hlus")
    settlement = team.locator("#id_settlement")
    option = settlement.locator("option", has_text="Hlusk")
    expect(option).to_have_count(1)
    settlement.select_option(option.get_attribute("value"))
    team.get_by_label("Who benefits?").fill("Teenagers of Hlusk and nearby villages")
    team.get_by_label("Project stage").select_option(label="Pilot")
    team.get_by_role("button", name="Save draft").click()
    expect(team.locator(".messages")).to_contain_text("Saved.")

    # A cover image.
    cover = tmp_path / "cover.png"
    cover.write_bytes(png_bytes())
    team.locator("#id_image").set_input_files(str(cover))
    team.get_by_role("button", name="Upload cover image").click()
    expect(team.locator(".messages")).to_contain_text("Cover image saved (location data removed).")
    expect(team.locator("img.cover")).to_be_visible()

    # Submit.
    team.get_by_role("button", name="Submit", exact=True).click()
    expect(team.locator(".messages")).to_contain_text("Your project is submitted.")
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED
    team.goto(f"{server}/en/my/projects/")
    expect(team.locator("main")).to_contain_text("Free creative space")

    # The organiser screens: the team's project eligible on its own page ...
    page.goto(base)
    nav.get_by_role("link", name="Screening").click()
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_role("link", name="Free creative space").click()
    expect(page.locator("main")).to_contain_text("Teenagers of Hlusk and nearby villages")
    expect(page.locator("main")).to_contain_text("Pilot")
    page.get_by_label("eligible", exact=True).check()
    page.get_by_role("button", name="Save and e-mail the team").click()
    expect(page.locator(".messages")).to_contain_text("Decision saved; the team is told by e-mail.")

    # ... the other one not eligible, with a reason, after the summary.
    page.get_by_label("Lottery for a car").check()
    page.locator("#id_bulk-decision").get_by_label("not eligible").check()
    page.locator("#id_bulk-reason").fill("A lottery is not a social project.")
    page.get_by_role("button", name="Review the summary").click()
    expect(page.locator("h1")).to_have_text("Confirm screening")
    expect(page.locator("main")).to_contain_text("1 project will be marked: not eligible")
    page.get_by_role("button", name="Confirm and e-mail the teams").click()
    expect(page.locator(".messages")).to_contain_text("1 projects screened")
    project.refresh_from_db()
    other.refresh_from_db()
    assert project.status == Project.Status.ELIGIBLE
    assert (other.status, other.screening_reason) == (
        Project.Status.NOT_ELIGIBLE,
        "A lottery is not a social project.",
    )

    # The team sees the result; the public page shows the project with its image for social networks.
    team.goto(f"{server}/en/my/projects/{project.public_id}/")
    expect(team.locator("main .badge").first).to_have_text("eligible")
    team.get_by_role("link", name="Public page").click()
    expect(team).to_have_url(f"{server}/en/projects/{project.public_id}/")
    expect(team.locator("h1")).to_have_text("Free creative space")
    og_image = team.locator("meta[property='og:image']").get_attribute("content")
    assert og_image == f"{server}/en/projects/{project.public_id}/cover/"
    assert team.request.get(og_image).status == 200
    expect(team.locator("meta[name='twitter:card']")).to_have_attribute("content", "summary_large_image")

    # The public edition page lists only the eligible project.
    anon = new_context().new_page()
    anon.goto(f"{server}/en/contests/{contest.slug}/{edition.public_id}/")
    expect(anon.locator("main")).to_contain_text("Free creative space")
    expect(anon.locator("main")).not_to_contain_text("Lottery for a car")
    assert problems == [] and team_problems == []


# --- 2. The public vote, its receipt and ballot; a bot burst flagged and annulled ---------------------


def voting_edition(org, *, show_counts="live"):
    """An edition of ``org``'s contest with one category, an open public vote and three eligible projects."""
    from hramada.contests.tests.factories import (
        CategoryFactory,
        ContestFactory,
        EditionFactory,
        ProjectFactory,
    )
    from hramada.voting.tests.factories import VotingRulesFactory

    contest = ContestFactory(organisation=org, title="Social Weekend", title_en="Social Weekend", slug="sw")
    edition = EditionFactory(
        contest=contest, title="6th Social Weekend, 2015", title_en="6th Social Weekend, 2015"
    )
    category = CategoryFactory(edition=edition, title="We build the world", title_en="We build the world")
    rules = VotingRulesFactory(stage__edition=edition, show_counts=show_counts)
    projects = {
        title: ProjectFactory(category=category, title=title, summary=f"{title}: a social project.")
        for title in ("Crisis psychology courses", "Flat-mate finder", "Bashni")
    }
    return edition, rules.stage, projects


def test_public_vote_receipt_ballot_and_annulled_bot_burst(
    page, new_context, server, settings, transactional_db
):
    from hramada.contests.models import Project
    from hramada.people.tests.factories import UserFactory
    from hramada.voting import services as voting_services
    from hramada.voting.antifraud import RequestMeta
    from hramada.voting.models import Vote

    _user, org, secret = make_organiser("alena@example.org", "sw-team")
    edition, stage, projects = voting_edition(org)
    courses, finder = projects["Crisis psychology courses"], projects["Flat-mate finder"]
    old_user("citizen@example.org", "Hanna Zhuk")
    edition_url = f"{server}/en/contests/sw/{edition.public_id}/"
    results_url = f"{server}/en/contests/sw/{edition.public_id}/vote/results/"

    # A citizen on a phone votes; the browser check runs in the browser under the site's CSP.
    citizen = new_context(**PHONE).new_page()
    problems = watch_console(citizen)
    login(citizen, server, "citizen@example.org")
    citizen.goto(edition_url)
    panel = citizen.locator(".vote-panel")
    expect(panel).to_contain_text("The public vote is open until")
    expect(panel).to_contain_text("You have not voted yet.")
    card = citizen.locator(f"#vote-{courses.public_id}")
    expect(card.locator("input[data-pow]")).to_have_count(1)
    card.get_by_role("button", name="Vote — Crisis psychology courses").click()
    receipt = card.locator(".receipt-code")
    expect(receipt).to_be_visible(timeout=30_000)
    first_code = receipt.inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", first_code), first_code
    expect(card).to_contain_text("You voted for this project.")
    courses.refresh_from_db()
    assert courses.vote_count == 1

    # "My votes" lists it at once, without a reload; she withdraws it there ...
    my_votes = panel.locator(".my-votes li")
    expect(my_votes).to_have_count(1)
    expect(my_votes).to_contain_text("Crisis psychology courses")
    my_votes.get_by_role("button", name="Withdraw — Crisis psychology courses").click()
    expect(citizen.locator("h1")).to_have_text("Withdraw your vote?")  # the list's forms ask on a page
    citizen.get_by_role("button", name="Yes, withdraw my vote").click()
    expect(citizen.get_by_text("Your vote for “Crisis psychology courses” is withdrawn.")).to_be_visible()
    expect(panel).to_contain_text("You have not voted yet.")
    courses.refresh_from_db()
    assert courses.vote_count == 0

    # ... and votes again, with a new receipt.
    card.get_by_role("button", name="Vote — Crisis psychology courses").click()
    expect(receipt).to_be_visible(timeout=30_000)
    code = receipt.inner_text().strip()
    assert code != first_code
    courses.refresh_from_db()
    assert courses.vote_count == 1
    assert problems == [], problems

    # The receipt checker on the results page (counts are live in this vote).
    citizen.goto(results_url)
    citizen.get_by_label("Receipt code").fill(code.lower())
    citizen.get_by_role("button", name="Check").click()
    expect(citizen.locator("#receipt-check [role=status]")).to_contain_text(
        "This vote for “Crisis psychology courses” is in the ballot and counted."
    )
    citizen.get_by_label("Receipt code").fill(first_code)
    citizen.get_by_role("button", name="Check").click()
    expect(citizen.locator("#receipt-check [role=status]")).to_contain_text(
        "was withdrawn, so it is not counted"
    )

    # A bot-like burst: brand-new accounts from one network vote for one project within seconds.
    settings.VOTING_POW_REQUIRED = False
    for i in range(12):
        voting_services.cast_vote(
            user=UserFactory(email=f"bot{i}@example.org"),
            project=finder,
            request_meta=RequestMeta(ip=f"198.51.100.{10 + i}", user_agent="python-requests/2.31"),
        )
    settings.VOTING_POW_REQUIRED = True
    assert Project.objects.get(pk=finder.pk).vote_count == 12

    # The organiser sees them flagged and annuls them with a reason, after a summary.
    problems_org = watch_console(page)
    login(page, server, "alena@example.org", totp_secret=secret)
    page.goto(f"{server}/en/manage/contests/sw/{edition.public_id}/vote/fraud/")
    expect(page.locator("main")).to_contain_text("12 flagged votes.")
    expect(page.locator("main tbody")).to_contain_text(
        "12 votes by accounts younger than 24 h from the same network"
    )
    expect(page.locator("main tbody tr", has_text="Crisis psychology courses")).to_have_count(0)
    boxes = page.locator("main tbody input[type=checkbox]")
    expect(boxes).to_have_count(12)
    for i in range(12):
        boxes.nth(i).check()
    page.get_by_role("button", name="Annul the chosen votes…").click()
    expect(page.locator("h1")).to_have_text("Annul votes")
    expect(page.locator("p.lead")).to_contain_text("12 counted votes will be annulled.")
    expect(page.locator("main table")).to_contain_text("Flat-mate finder")
    page.get_by_label("Reason").fill("Burst of brand-new accounts from one network within a minute.")
    page.get_by_role("button", name="Annul these votes").click()
    expect(page.locator(".messages")).to_contain_text("12 votes are annulled.")
    assert Project.objects.get(pk=finder.pk).vote_count == 0
    assert Vote.objects.filter(project=finder, annulled_at__isnull=False).count() == 12
    assert problems_org == []

    # The public results show them as annulled, apart from the count.
    citizen.goto(results_url)
    row = citizen.locator("table.results tr", has_text="Flat-mate finder")
    expect(row).to_contain_text("annulled: 12")
    expect(row.locator("td.num")).to_contain_text("0")
    expect(citizen.locator("table.results tr", has_text="Crisis psychology courses")).to_contain_text("1")

    # The ballot: every vote by its receipt hash, the citizen's counted, the withdrawn and annulled apart.
    with citizen.expect_download() as info:
        citizen.get_by_role("link", name="Download the ballot (CSV)").click()
    with open(info.value.path(), encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    assert "status" in [h.lower() for h in header], header
    by_hash = {r[0]: r for r in body}
    mine = hashlib.sha256(code.replace("-", "").upper().encode()).hexdigest()
    withdrawn = hashlib.sha256(first_code.replace("-", "").upper().encode()).hexdigest()
    assert mine in by_hash and by_hash[mine][1] == courses.public_id and by_hash[mine][-1] == "counted"
    assert by_hash[withdrawn][-1] == "withdrawn"
    assert sum(r[-1] == "annulled" for r in body) == 12
    assert sum(r[-1] == "counted" for r in body) == 1
    assert problems == [], problems


# --- 3. Experts, finalists, the jury, awards and the published results --------------------------------


def test_experts_jury_awards_and_published_results(page, new_context, server, transactional_db):
    from hramada.awards.models import Award, Finalist
    from hramada.contests import services as contest_services
    from hramada.orgs.tests.factories import OrganisationFactory
    from hramada.reviews import services as review_services
    from hramada.reviews.models import Assignment
    from hramada.voting import services as voting_services
    from hramada.voting.models import VotingRules

    user, org, secret = make_organiser("alena@example.org", "sw-team")
    edition, stage, projects = voting_edition(org)
    courses, finder, bashni = (
        projects["Crisis psychology courses"],
        projects["Flat-mate finder"],
        projects["Bashni"],
    )
    sponsor = OrganisationFactory(name="Velcom", name_en="Velcom", slug="velcom", is_public=True)
    edition.sponsors.add(sponsor)
    # The public vote happened: 3 votes for the courses, 1 for the finder; then it closed.
    for i, project in enumerate([courses, courses, courses, finder]):
        voting_services.cast_vote(user=old_user(f"voter{i}@example.org"), project=project)
    contest_services.close_stage_early(actor=user, stage=stage)
    old_user("expert@example.org", "Ales Expert")
    old_user("juror@example.org", "Volha Juror")
    review_services.create_rubric(
        actor=user,
        organisation=org,
        title="Pitch",
        criteria=[{"title": "Pitch", "weight": 1, "scale_min": 1, "scale_max": 10}],
    )
    awards_url = f"{server}/en/manage/contests/sw/{edition.public_id}/awards/"

    def score_by_service(email, project, values):
        a = Assignment.objects.select_related("round__rubric").get(
            reviewer__user__email=email, item__title=project.title
        )
        criteria = list(a.round.rubric.criteria.order_by("order", "id"))
        review_services.submit_review(
            user=a.reviewer.user,
            assignment=a,
            scores={c.pk: v for c, v in zip(criteria, values, strict=True)},
        )

    def add_reviewer_and_assign(email, n):
        page.get_by_role("navigation", name="Review round").get_by_role(
            "link", name="Reviewers and conflicts"
        ).click()
        page.get_by_label("e-mail of the reviewer's account").fill(email)
        page.get_by_role("button", name="Add the reviewer").click()
        expect(page.locator(".messages")).to_contain_text("The reviewer is added.")
        page.get_by_role("navigation", name="Review round").get_by_role("link", name="Assignments").click()
        page.get_by_role("link", name="Assign automatically").click()
        expect(page.locator("main")).to_contain_text(f"{n} new assignments for {n} items")
        page.get_by_role("button", name="Confirm and assign").click()
        expect(page.locator(".messages")).to_contain_text(f"{n} assignments were made.")

    problems = watch_console(page)
    login(page, server, "alena@example.org", totp_secret=secret)

    # The expert rubric: two weighted criteria.
    page.goto(f"{server}/en/manage/organisations/sw-team/reviews/rubrics/new/")
    page.locator("#id_title").fill("Social impact rubric")
    page.locator("#id_criteria-0-title").fill("Impact")
    page.locator("#id_criteria-0-weight").fill("2")
    page.locator("#id_criteria-1-title").fill("Feasibility")
    page.get_by_role("button", name="Save the rubric").click()
    expect(page.locator(".messages")).to_contain_text("The rubric is saved.")

    # The expert review starts: every eligible project is an item; one expert, assigned automatically.
    page.goto(awards_url)
    page.locator("#id_expert-rubric").select_option(label="Social impact rubric")
    page.locator("#id_expert-reviews_per_item").fill("1")
    page.get_by_role("button", name="Start the expert review").click()
    expect(page.locator(".messages")).to_contain_text("The round is open.")
    expect(page.locator("main")).to_contain_text("3 items")
    add_reviewer_and_assign("expert@example.org", 3)

    # The expert scores in the browser at /reviews/.
    expert = new_context().new_page()
    expert_problems = watch_console(expert)
    login(expert, server, "expert@example.org")
    expert.goto(f"{server}/en/reviews/")
    expect(expert.locator("main tbody tr")).to_have_count(3)
    expect(expert.get_by_role("link", name="To do (3)")).to_be_visible()
    expert.get_by_role("link", name="Crisis psychology courses").click()
    expect(expert.get_by_role("link", name="Read the submission")).to_be_visible()
    expert.get_by_label(re.compile(r"^Impact\b")).fill("9")
    expert.get_by_label(re.compile(r"^Feasibility\b")).fill("8")
    expert.get_by_label("comment").fill("Clear need, a trained team.")
    expert.get_by_role("button", name="Submit my review").click()
    expect(expert.locator(".messages")).to_contain_text("Your review is saved.")
    expert.goto(f"{server}/en/reviews/?status=done")
    expect(expert.locator("main tbody tr")).to_have_count(1)
    expect(expert.locator("main tbody")).to_contain_text("Crisis psychology courses")
    score_by_service("expert@example.org", finder, [3, 3])
    score_by_service("expert@example.org", bashni, [7, 7])
    assert expert_problems == []

    # The finalist rule (formula, two per category), the proposal, then the confirmation.
    page.goto(awards_url)
    page.get_by_role("link", name="Set the rule").click()
    page.locator("input[name=method][value=formula]").check()
    page.get_by_label("finalists per category").fill("2")
    page.get_by_role("button", name="Save the rule").click()
    expect(page.locator(".messages")).to_contain_text("The finalist rule is saved.")
    page.goto(f"{awards_url}finalists/")
    expect(page.get_by_role("checkbox", name="Crisis psychology courses")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Bashni")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Flat-mate finder")).not_to_be_checked()
    page.get_by_role("button", name="Review and confirm these finalists…").click()
    page.get_by_role("button", name="Confirm the finalists").click()
    expect(page.locator(".messages")).to_contain_text("are confirmed")
    assert set(Finalist.objects.filter(edition=edition).values_list("project__title", flat=True)) == {
        "Crisis psychology courses",
        "Bashni",
    }

    # The jury final with the jury's own rubric; one juror, assigned automatically.
    page.goto(awards_url)
    page.locator("#id_jury-rubric").select_option(label="Pitch")
    page.locator("#id_jury-reviews_per_item").fill("1")
    page.get_by_role("button", name="Start the jury final").click()
    expect(page.locator(".messages")).to_contain_text("The round is open.")
    add_reviewer_and_assign("juror@example.org", 2)

    # The juror scores on a phone.
    juror = new_context(**PHONE).new_page()
    juror_problems = watch_console(juror)
    login(juror, server, "juror@example.org")
    juror.goto(f"{server}/en/reviews/")
    expect(juror.locator("main tbody tr")).to_have_count(2)
    juror.get_by_role("link", name="Crisis psychology courses").click()
    juror.get_by_label(re.compile(r"^Pitch\b")).fill("9")
    juror.get_by_role("button", name="Submit my review").click()
    expect(juror.locator(".messages")).to_contain_text("Your review is saved.")
    score_by_service("juror@example.org", bashni, [6])
    assert juror_problems == []

    # Awards: the category's prize and the sponsor's prize, each with its winner.
    page.goto(f"{awards_url}prizes/")
    page.locator("#id_title_en").fill("Winner: We build the world")
    page.locator("#id_category").select_option(label="We build the world")
    page.locator("#id_prize_amount").fill("1500")
    page.get_by_role("button", name="Add the award").click()
    expect(page.locator(".messages")).to_contain_text("Award added.")
    page.locator("#id_title_en").fill("Velcom prize for youth")
    page.locator("#id_prize_amount").fill("800")
    page.locator("#id_sponsor").select_option(label="Velcom")
    page.get_by_role("button", name="Add the award").click()
    expect(page.locator(".messages")).to_contain_text("Award added.")

    def decide(award_title, winner):
        page.locator("main tbody tr", has_text=award_title).get_by_role("link", name="decide").click()
        expect(page.locator("main tbody tr").first).to_contain_text(
            "Crisis psychology courses"
        )  # jury's best
        page.get_by_label(winner).check()
        page.get_by_role("button", name="Record the winner").click()
        expect(page.locator(".messages")).to_contain_text("is recorded.")

    decide("Winner: We build the world", "Crisis psychology courses")
    decide("Velcom prize for youth", "Bashni")
    assert Award.objects.get(title="Velcom prize for youth").sponsor == sponsor

    # Publish.
    page.goto(f"{awards_url}publish/")
    page.get_by_role("button", name="Publish the results").click()
    expect(page.locator(".messages")).to_contain_text("The results are published")
    assert problems == []

    # The public results: winners, the sponsor's award, the methodology and the fingerprints; the CSV.
    visitor = new_context().new_page()
    visitor_problems = watch_console(visitor)
    visitor.goto(f"{server}/en/contests/sw/{edition.public_id}/results/")
    awards_table = visitor.locator("#h-awards + div table")
    expect(awards_table.locator("tr", has_text="Winner: We build the world")).to_contain_text(
        "Crisis psychology courses"
    )
    sponsored = awards_table.locator("tr", has_text="Velcom prize for youth")
    expect(sponsored).to_contain_text("Bashni")
    expect(sponsored).to_contain_text("Velcom")
    expect(sponsored).to_contain_text("800")
    method = visitor.locator("section[aria-labelledby=h-method]")
    expect(method).to_contain_text("Combined score = ")
    rule_document = method.locator("pre code").inner_text()
    fingerprints = method.locator("p > code").all_inner_texts()
    assert hashlib.sha256(rule_document.encode()).hexdigest() in fingerprints, fingerprints
    assert VotingRules.objects.get(stage=stage).fingerprint in fingerprints, fingerprints
    expect(visitor.locator("main")).to_contain_text("4 counted votes in this category.")
    with visitor.expect_download() as info:
        visitor.get_by_role("link", name="Download (CSV)").click()
    with open(info.value.path(), encoding="utf-8-sig") as f:
        text = f.read()
    for title in ("Crisis psychology courses", "Flat-mate finder", "Bashni", "Velcom prize for youth"):
        assert title in text, title
    assert visitor_problems == []


# --- 4. Belarusian contest pages -----------------------------------------------------------------------


def test_belarusian_contest_pages_are_clean(page, new_context, server, transactional_db):
    from hramada.awards import services as award_services
    from hramada.contests.models import Category, Contest, Edition

    user, org, _secret = make_organiser("alena@example.org", "sw-team")
    edition, _stage, projects = voting_edition(org)
    Contest.objects.filter(pk=edition.contest_id).update(title_be="Сацыяльны ўік-энд")
    Edition.objects.filter(pk=edition.pk).update(title_be="6-ы Сацыяльны ўік-энд, 2015")
    Category.objects.filter(edition=edition).update(title_be="Будуем свет вакол нас")
    courses = projects["Crisis psychology courses"]
    courses.title = "Курсы крызіснай псіхалогіі"
    courses.save(update_fields=["title"])
    # Published results: finalists under a rule, an award and its winner.
    award_services.set_finalist_rule(actor=user, edition=edition, method="formula", finalists_per_category=2)
    category = edition.categories.get()
    award_services.confirm_finalists(
        actor=user,
        edition=edition,
        category=category,
        projects=[courses, projects["Bashni"]],
        reason="Каманда «Flat-mate finder» адмовілася ад фіналу.",  # a departure from the proposal
    )
    award = award_services.create_award(actor=user, edition=edition, title="Галоўны прыз", prize_amount=1000)
    award_services.decide_winner(actor=user, award=award, project=courses)
    award_services.publish_results(actor=user, edition=edition)
    old_user("citizen@example.org", "Ганна")

    pages = {
        "edition": f"/be/contests/sw/{edition.public_id}/",
        "project": f"/be/projects/{courses.public_id}/",
        "results": f"/be/contests/sw/{edition.public_id}/results/",
        "vote results": f"/be/contests/sw/{edition.public_id}/vote/results/",
    }

    def visit_all(p, who):
        problems = watch_console(p)
        requests: list[str] = []
        p.on("request", lambda r: requests.append(r.url))
        for name, path in pages.items():
            response = p.goto(f"{server}{path}")
            assert response.status == 200, (who, name, response.status)
            p.wait_for_load_state("networkidle")
            expect(p.locator("html")).to_have_attribute("lang", "be")
            if name == "edition":
                expect(p.locator("h1")).to_have_text("6-ы Сацыяльны ўік-энд, 2015")
                expect(p.locator("main")).to_contain_text("Будуем свет вакол нас")
            elif name == "project":
                expect(p.locator("h1")).to_have_text("Курсы крызіснай псіхалогіі")
            elif name == "results":
                expect(p.locator("main")).to_contain_text("Галоўны прыз")
        foreign = [u for u in requests if u.split(":")[0] in ("http", "https", "ws", "wss")]
        foreign = [u for u in foreign if not same_origin(u, server)]
        assert foreign == [], (who, foreign)
        assert problems == [], (who, problems)

    visit_all(page, "anonymous")
    citizen = new_context(**PHONE).new_page()
    login(citizen, server, "citizen@example.org")
    visit_all(citizen, "signed-in voter on a phone")
    # Signed in, the edition and project pages carry the vote form with its browser check.
    citizen.goto(f"{server}{pages['project']}")
    expect(citizen.locator("input[data-pow]")).to_have_count(1)


# --- 4. The vote button: the browser check, one tap, the other cards, withdrawing -----------------------


def hold_requests(page, pattern):
    """Requests matching ``pattern`` wait until the test lets them go (``release``), so a journey can
    look at the page while they are on their way."""
    held = []
    page.route(pattern, lambda route: held.append(route))

    def release(body=None):
        for route in held:
            if body is None:
                route.continue_()
            else:
                route.fulfill(status=200, content_type="application/json", body=body)
        held.clear()

    return held, release


def test_the_vote_button_shows_the_check_takes_one_tap_and_sends_one_vote(
    new_context, server, transactional_db
):
    import json

    import altcha
    from django.utils import timezone

    from hramada.people.tests.factories import UserFactory
    from hramada.voting import antifraud, selectors
    from hramada.voting.models import Vote

    _user, org, _secret = make_organiser("alena@example.org", "sw-team")
    _edition, _stage, projects = voting_edition(org)
    bashni = projects["Bashni"]
    UserFactory(email="new@example.org")  # signed up a moment ago: the hardest check

    voter = new_context(**PHONE).new_page()
    problems = watch_console(voter)
    login(voter, server, "new@example.org")
    challenges, release_challenge = hold_requests(voter, "**/voting/challenge/**")
    votes, release_vote = hold_requests(voter, f"**/projects/{bashni.public_id}/vote/")
    voter.goto(f"{server}/en/projects/{bashni.public_id}/")
    expect(voter.get_by_role("button", name="Vote — Bashni")).to_be_enabled()
    button = voter.locator("form[data-vote-form] button[type=submit]")  # its name changes as it works
    status = voter.locator("[data-vote-status]")

    # The check starts with the page, before any tap: the challenge is asked for at once.
    voter.wait_for_timeout(200)
    for _ in range(50):
        if challenges:
            break
        voter.wait_for_timeout(100)
    assert len(challenges) == 1 and f"project={bashni.public_id}" in challenges[0].request.url

    # The voter taps while it runs: the button is disabled at once and says what is happening.
    button.click()
    expect(button).to_be_disabled()
    expect(button).to_contain_text("Checking…")
    expect(status).to_contain_text("your phone or computer is doing a short check")
    # A second tap (or a second submit) is not a second vote: the form is busy with the first.
    voter.locator("form[data-vote-form]").evaluate("form => form.requestSubmit()")

    # A challenge of the hardest level whose answer is 1.5 million tries away, signed by the site as
    # /voting/challenge/ signs them: the button counts up while the browser searches.
    challenge = altcha.create_challenge(
        antifraud.POW_ALGORITHM,
        1,
        counter=1_500_000,
        key_prefix_length=8,
        expires_at=int(timezone.now().timestamp()) + 600,
        data={"level": 2, "project": bashni.public_id},
        hmac_secret=antifraud._hmac_secret(),
    ).to_dict()
    release_challenge(json.dumps({**challenge, "maxNumber": 2_000_000}))
    expect(button).to_contain_text(re.compile(r"Checking… [1-9]\d?\s?%"), timeout=20_000)
    expect(button).to_be_disabled()

    # Solved, the vote goes by itself, once: still disabled, "Sending your vote…".
    expect(button).to_contain_text("Sending your vote…", timeout=60_000)
    expect(button).to_be_disabled()
    voter.wait_for_timeout(300)
    assert len(votes) == 1, "one tap, one vote request (the second submit was absorbed)"
    release_vote()
    receipt = voter.locator(".receipt-code")
    expect(receipt).to_be_visible()
    code = receipt.inner_text().strip()
    vote = Vote.objects.get(project=bashni)
    assert vote.receipt_hash == selectors.receipt_hash(code) and Vote.objects.count() == 1
    assert problems == [], problems


def test_the_other_cards_follow_a_vote_and_a_withdrawal(new_context, server, transactional_db):
    from hramada.contests.models import Project

    _user, org, _secret = make_organiser("alena@example.org", "sw-team")
    edition, _stage, projects = voting_edition(org)  # one vote in the category
    old_user("citizen@example.org", "Hanna Zhuk")
    citizen = new_context(**PHONE).new_page()
    problems = watch_console(citizen)
    login(citizen, server, "citizen@example.org")
    citizen.goto(f"{server}/en/contests/sw/{edition.public_id}/")
    cards = {title: citizen.locator(f"#vote-{project.public_id}") for title, project in projects.items()}
    used = "You have used your vote in this category: withdraw it to vote for this project."

    cards["Bashni"].get_by_role("button", name="Vote — Bashni").click()
    expect(cards["Bashni"].locator(".receipt-code")).to_be_visible(timeout=30_000)
    # The other two cards say so at once, in the same answer: no Vote button that could only be refused.
    for title in ("Crisis psychology courses", "Flat-mate finder"):
        expect(cards[title]).to_contain_text(used)
        expect(cards[title].get_by_role("button")).to_have_count(0)

    # Withdrawing asks first; "Cancel" keeps the vote.
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    citizen.once("dialog", lambda dialog: answer(dialog, False))
    cards["Bashni"].get_by_role("button", name="Withdraw my vote — Bashni").click()
    citizen.wait_for_timeout(500)
    assert questions and "Withdraw your vote for “Bashni”?" in questions[0]
    expect(cards["Bashni"]).to_contain_text("You voted for this project.")
    assert Project.objects.get(pk=projects["Bashni"].pk).vote_count == 1

    citizen.once("dialog", lambda dialog: answer(dialog, True))
    cards["Bashni"].get_by_role("button", name="Withdraw my vote — Bashni").click()
    expect(cards["Bashni"]).to_contain_text("is withdrawn")
    assert Project.objects.get(pk=projects["Bashni"].pk).vote_count == 0
    # The other cards offer their Vote buttons again, without a reload, and they work.
    for title in ("Crisis psychology courses", "Flat-mate finder"):
        expect(cards[title]).not_to_contain_text(used)
        expect(cards[title].get_by_role("button", name=f"Vote — {title}")).to_be_enabled()
    cards["Flat-mate finder"].get_by_role("button", name="Vote — Flat-mate finder").click()
    expect(cards["Flat-mate finder"].locator(".receipt-code")).to_be_visible(timeout=30_000)
    for title in ("Crisis psychology courses", "Bashni"):
        expect(cards[title]).to_contain_text(used)
    assert Project.objects.get(pk=projects["Flat-mate finder"].pk).vote_count == 1
    assert problems == [], problems


def test_withdrawing_without_javascript_asks_on_a_page(new_context, server, transactional_db):
    from hramada.contests.models import Project
    from hramada.voting import services as voting_services

    _user, org, _secret = make_organiser("alena@example.org", "sw-team")
    _edition, _stage, projects = voting_edition(org)
    bashni = projects["Bashni"]
    voting_services.cast_vote(user=old_user("citizen@example.org", "Hanna Zhuk"), project=bashni)
    page = new_context(java_script_enabled=False).new_page()
    login(page, server, "citizen@example.org")
    project_url = f"{server}/en/projects/{bashni.public_id}/"
    page.goto(project_url)
    page.get_by_role("button", name="Withdraw my vote — Bashni").click()
    expect(page.locator("h1")).to_have_text("Withdraw your vote?")
    expect(page.locator("main")).to_contain_text("Withdraw your vote for “Bashni”?")
    page.get_by_role("link", name="No, keep my vote").click()
    expect(page).to_have_url(project_url)
    assert Project.objects.get(pk=bashni.pk).vote_count == 1

    page.get_by_role("button", name="Withdraw my vote — Bashni").click()
    page.get_by_role("button", name="Yes, withdraw my vote").click()
    expect(page.get_by_text("Your vote for “Bashni” is withdrawn.")).to_be_visible()
    assert Project.objects.get(pk=bashni.pk).vote_count == 0

"""Local issues, the whole loop in Chromium (issue 11's "Done means"), in Russian and Belarusian: a
resident on a 390 px phone (Russian) raises an issue with a photo (with GPS in its EXIF) and a point
clicked on the map; her account is old enough, so it is published at once. Two neighbours (Belarusian)
back it. A moderator (second factor) forwards it to the authority suggested from the place (a district
executive committee, before the region's); the authority answers "resolved" through the link e-mailed
to it, and opening that link (GET, twice, as a mail scanner would) changes nothing. Four weeks later
(``authorities.ask_if_fixed(now=...)``) the reporter and the backers are e-mailed "is it fixed?"; the
reporter and one neighbour say "not fixed", the other "fixed", so the issue is reopened, visibly on its
page, and the authority's accountability page shows it (Resolved 1 -> 0, Reopened 0 -> 1).

And: a script typed into an issue's title and description shows as text in the moderation queue, on
the issue's page and on the list."""

import io
import os
import re
import tempfile
from datetime import timedelta

import pytest
from django.core import mail
from playwright.sync_api import expect

from e2e.helpers import PHONE, login

pytestmark = pytest.mark.e2e

SCREENSHOT_DIR = os.environ.get("E2E_SCREENSHOTS", os.path.join(tempfile.gettempdir(), "hramada-e2e"))
# The accountability figures, in the order _figures.html lists them.
RECEIVED, ANSWERED, RESOLVED, REOPENED = 0, 1, 3, 6


def _jpeg_with_gps(path):
    """A small JPEG whose EXIF says where it was taken (the platform must drop it)."""
    from PIL import Image

    image = Image.new("RGB", (80, 60), (120, 110, 90))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (53.0, 54.0, 6.0), 3: "E", 4: (30.0, 19.0, 48.0)})
    image.save(path, format="JPEG", exif=exif)
    assert Image.open(path).getexif().get_ifd(0x8825), "the test photo should carry GPS"
    return str(path)


@pytest.fixture
def world(places):
    from django.utils import timezone

    from hramada.core.tests.helpers import enrol_totp
    from hramada.local_issues.models import Category
    from hramada.local_issues.tests.factories import AuthorityAreaFactory, AuthorityFactory, ModeratorFactory
    from hramada.people.tests.factories import UserFactory
    from hramada.places.models import Region
    from hramada.places.tests.factories import CommunityFactory, DistrictFactory, SettlementFactory

    region = Region.objects.get(code="BY-MA")
    district = DistrictFactory(
        region=region,
        name="Мсціслаўскі раён",
        name_be="Мсціслаўскі раён",
        name_ru="Мстиславский район",
        name_en="Mstsislaw district",
    )
    settlement = SettlementFactory(
        region=region,
        district=district,
        name="Башні",
        name_be="Башні",
        name_ru="Башни",
        name_en="Bashni",
        latitude="53.90000",
        longitude="30.33000",
    )
    community = CommunityFactory(
        settlement=settlement, name="Башні", name_be="Башні", name_ru="Башни", name_en="Bashni", slug="bashni"
    )
    # The migration's categories are gone once an earlier browser test emptied the tables.
    roads, _ = Category.objects.get_or_create(
        code="roads",
        defaults={
            "title": "Дарогі",
            "title_be": "Дарогі",
            "title_ru": "Дороги",
            "title_en": "Roads",
            "order": 1,
        },
    )
    # The district's executive committee covers the district; the region's covers the region: the
    # district's, more local, is suggested.
    district_authority = AuthorityFactory(
        name="Мсціслаўскі райвыканкам",
        name_be="Мсціслаўскі райвыканкам",
        name_ru="Мстиславский райисполком",
        name_en="Mstsislaw District Executive Committee",
        slug="mstsislaw-rvk",
        contact_email="rvk@mstsislaw.example.org",
    )
    AuthorityAreaFactory(authority=district_authority, district=district, answer_days=10)
    region_authority = AuthorityFactory(
        name="Магілёўскі аблвыканкам",
        name_be="Магілёўскі аблвыканкам",
        name_ru="Могилёвский облисполком",
        name_en="Mogilev Regional Executive Committee",
        slug="mogilev-ovk",
        contact_email="ovk@mogilev.example.org",
    )
    AuthorityAreaFactory(authority=region_authority, region=region)

    old = timezone.now() - timedelta(days=90)
    reporter = UserFactory(email="olga@example.org", date_joined=old)
    neighbours = [UserFactory(email=f"{n}@example.org", date_joined=old) for n in ("anna", "hanna")]
    for user, language in ((reporter, "ru"), *((n, "be") for n in neighbours)):
        user.person.preferred_language = language
        user.person.save(update_fields=["preferred_language"])
    moderator = UserFactory(email="moderator@example.org", date_joined=old)
    ModeratorFactory(person=moderator.person)  # everywhere
    return {
        "community": community,
        "roads": roads,
        "district_authority": district_authority,
        "reporter": reporter,
        "neighbours": neighbours,
        "moderator_secret": enrol_totp(moderator),
    }


def _figure(page, index):
    return page.locator("dl.figures > div").nth(index).locator("dd")


def _mails_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_raise_back_forward_answer_dispute_reopen(new_context, server, world, tmp_path):
    from django.utils import timezone
    from PIL import Image

    from hramada.local_issues import authorities
    from hramada.local_issues.models import AnswerLink, Issue, TimelineEntry

    authority = world["district_authority"]

    # --- The reporter raises the issue on her phone, in Russian, with a photo and a point on the map.
    reporter_page = new_context(**PHONE).new_page()
    login(reporter_page, server, "olga@example.org")
    reporter_page.goto(f"{server}/ru/issues/new/?community=bashni")
    expect(reporter_page.locator("html")).to_have_attribute("lang", "ru")
    expect(reporter_page.locator("h1")).to_have_text("Сообщить о местной проблеме")
    expect(reporter_page.locator("#id_community")).to_have_value(str(world["community"].pk))
    area = reporter_page.locator("[data-issue-map]")
    expect(area.locator("svg path").first).to_be_attached()
    area.click()  # at its centre, inside Belarus
    expect(reporter_page.locator("#id_latitude")).to_have_value(re.compile(r"^5\d\.\d{6}$"))
    expect(reporter_page.locator("#id_longitude")).to_have_value(re.compile(r"^(2|3)\d\.\d{6}$"))
    latitude = reporter_page.locator("#id_latitude").input_value()
    reporter_page.locator("#id_category").select_option(value=str(world["roads"].pk))
    reporter_page.locator("#id_title").fill("Яма на остановке")
    reporter_page.locator("#id_description").fill("Глубокая яма у остановки, после дождя полная воды.")
    reporter_page.locator("#id_address").fill("ул. Школьная, у остановки")
    reporter_page.locator("#id_photos").set_input_files(_jpeg_with_gps(tmp_path / "yama.jpg"))
    reporter_page.locator("main form button[type=submit]").last.click()
    reporter_page.wait_for_url(re.compile(r"/ru/issues/[0-9a-z]{26}/$"))
    issue = Issue.objects.get()
    assert reporter_page.url == f"{server}/ru/issues/{issue.public_id}/"
    assert issue.status == "open" and issue.published_at is not None  # an old account: no queue
    assert str(issue.latitude).startswith(latitude[:6])
    main = reporter_page.locator("main")
    expect(reporter_page.locator("h1")).to_have_text("Яма на остановке")
    expect(main.locator(".badge").first).to_have_text("открыто")
    expect(main).to_contain_text("житель")  # "a resident of Bashni", not her name
    expect(main).not_to_contain_text("olga")
    expect(main.locator(".photos img")).to_have_count(1)
    photo = issue.photos.get()
    with photo.image.open("rb") as stored:
        exif = Image.open(io.BytesIO(stored.read())).getexif()
    assert not exif.get_ifd(0x8825) and 0x010F not in exif, "GPS and camera must be stripped"
    issue_path = f"/issues/{issue.public_id}/"

    # --- Two neighbours back it, in Belarusian.
    for count, user in enumerate(world["neighbours"], start=1):
        neighbour_page = new_context(**PHONE).new_page()
        login(neighbour_page, server, user.email)
        neighbour_page.goto(f"{server}/be{issue_path}")
        expect(neighbour_page.locator("html")).to_have_attribute("lang", "be")
        neighbour_page.get_by_role("button", name="Я падтрымліваю гэтую праблему").click()
        expect(neighbour_page.locator(".messages")).to_be_visible()
        expect(neighbour_page.locator("#backing-h")).to_contain_text(str(count))
        expect(neighbour_page.get_by_role("button", name="Адклікаць маю падтрымку")).to_be_visible()
        neighbour_page.context.close()
    issue.refresh_from_db()
    assert issue.backing_count == 2

    # --- A moderator (second factor) forwards it to the suggested authority, in Belarusian.
    moderator_page = new_context().new_page()
    login(moderator_page, server, "moderator@example.org", totp_secret=world["moderator_secret"])
    moderator_page.goto(f"{server}/be{issue_path}")
    expect(moderator_page.locator("#mod-h")).to_be_visible()
    expect(moderator_page.locator("main")).to_contain_text("olga")  # moderators see who raised it
    moderator_page.locator(f"a[href='/be/manage/issues/{issue.public_id}/forward/']").click()
    expect(moderator_page.locator("main")).to_contain_text("Мсціслаўскі райвыканкам")
    expect(moderator_page.locator("#id_authority")).to_have_value(str(authority.pk))  # the suggestion
    mail.outbox.clear()
    moderator_page.locator("main form button[type=submit]").first.click()
    expect(moderator_page.locator(".messages")).to_contain_text("Мсціслаўскі райвыканкам")
    issue.refresh_from_db()
    assert issue.status == "forwarded" and issue.authority == authority
    (message,) = _mails_to(authority.contact_email)
    link_url = re.search(r"https?://\S+/issues/answer/\S+/", message.body).group(0)
    assert link_url.startswith(f"{server}/be/issues/answer/")  # the platform's language, Belarusian
    assert "olga" not in message.body  # she did not let the authority see her name
    # The reporter and the backers follow the issue: each hears of the forwarding, in their language.
    for email, language in (
        ("olga@example.org", "ru"),
        ("anna@example.org", "be"),
        ("hanna@example.org", "be"),
    ):
        (news,) = _mails_to(email)
        assert f"{server}/{language}{issue_path}" in news.body, news.body

    # --- The authority opens the e-mailed link: GET (twice, as a mail scanner would) changes nothing.
    entries = TimelineEntry.objects.filter(issue=issue).count()
    authority_page = new_context().new_page()
    assert authority_page.request.get(link_url).status == 200  # the scanner's prefetch
    authority_page.goto(link_url)
    expect(authority_page.locator("h1")).to_contain_text("Мсціслаўскі райвыканкам")
    issue.refresh_from_db()
    link = AnswerLink.objects.get(issue=issue)
    assert issue.status == "forwarded" and issue.first_answer_at is None
    assert link.used_at is None and link.revoked_at is None
    assert TimelineEntry.objects.filter(issue=issue).count() == entries
    authority_page.locator("input[name=kind][value=resolved]").check()
    authority_page.locator("#id_text").fill("Яму заасфальтавалі 3 ліпеня.")
    repaired = tmp_path / "repaired.jpg"
    Image.new("RGB", (80, 60), (60, 60, 60)).save(repaired, format="JPEG")
    authority_page.locator("#id_photos").set_input_files(str(repaired))
    authority_page.locator("main form button[type=submit]").last.click()
    expect(authority_page.locator(".messages")).to_be_visible()
    issue.refresh_from_db()
    link.refresh_from_db()
    assert issue.status == "resolved" and link.used_at is not None
    # The used link opens again read-only, without a form.
    authority_page.goto(link_url)
    expect(authority_page.locator("input[name=kind]")).to_have_count(0)
    authority_page.context.close()

    # The public page shows the answer; the record shows it resolved.
    reporter_page.goto(f"{server}/ru{issue_path}")
    expect(reporter_page.locator(".timeline")).to_contain_text("Яму заасфальтавалі 3 ліпеня.")
    expect(reporter_page.locator(".timeline img")).to_have_count(1)
    record = f"{server}/ru/issues/authorities/{authority.slug}/"
    reporter_page.goto(record)
    expect(reporter_page.locator("h1")).to_contain_text("Мстиславский райисполком")
    expect(_figure(reporter_page, RECEIVED)).to_have_text("1")
    expect(_figure(reporter_page, ANSWERED)).to_contain_text("1")
    expect(_figure(reporter_page, RESOLVED)).to_contain_text("1")
    expect(_figure(reporter_page, REOPENED)).to_have_text("0")

    # --- Four weeks later the reporter and the backers are asked whether it is fixed.
    mail.outbox.clear()
    assert authorities.ask_if_fixed(now=timezone.now() + timedelta(days=29)) == 1
    assert len(mail.outbox) == 3, [m.to for m in mail.outbox]
    reporter_page.goto(f"{server}/ru{issue_path}")  # her issue's page asks too
    expect(reporter_page.locator(f"main a[href='/ru{issue_path}fixed/']")).to_be_visible()
    answers = [
        ("olga@example.org", "no", "ru"),
        ("anna@example.org", "yes", "be"),
        ("hanna@example.org", "no", "be"),
    ]
    for email, fixed, language in answers:
        (question,) = _mails_to(email)
        fixed_url = re.search(r"https?://\S+/issues/[0-9a-z]{26}/fixed/", question.body).group(0)
        assert fixed_url.startswith(f"{server}/{language}/"), fixed_url
        if email == "olga@example.org":
            page = reporter_page
        else:
            page = new_context(**PHONE).new_page()
            login(page, server, email)
        page.goto(fixed_url)
        expect(page.locator("h1")).to_have_text({"ru": "Исправлено?", "be": "Ці выпраўлена?"}[language])
        expect(page.locator("main blockquote")).to_contain_text("Яму заасфальтавалі")
        page.locator(f"input[name=fixed][value={fixed}]").check()
        page.locator("main form button[type=submit]").last.click()
        expect(page.locator(".messages")).to_contain_text(
            {"ru": "Спасибо за ответ.", "be": "Дзякуй за адказ."}[language]
        )
        expect(page.locator("input[name=fixed]")).to_have_count(0)

    # Two of three say it is not fixed: reopened, visibly, and back with the authority (a new link).
    issue.refresh_from_db()
    assert issue.status == "reopened"
    reporter_page.goto(f"{server}/ru{issue_path}")
    expect(reporter_page.locator("main .badge").first).to_have_text("открыто снова: не исправлено")
    expect(reporter_page.locator(".timeline li").last).to_contain_text(
        "Открыто снова: жители говорят, что не исправлено"
    )
    assert len(_mails_to(authority.contact_email)) == 1

    # The authority's record has changed.
    reporter_page.goto(record)
    expect(_figure(reporter_page, RESOLVED)).to_contain_text("0")
    expect(_figure(reporter_page, REOPENED)).to_have_text("1")
    expect(_figure(reporter_page, RECEIVED)).to_have_text("1")
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    reporter_page.screenshot(
        path=os.path.join(SCREENSHOT_DIR, "issues-authority-record-390.png"), full_page=True
    )
    reporter_page.goto(f"{server}/ru{issue_path}")
    reporter_page.screenshot(path=os.path.join(SCREENSHOT_DIR, "issue-reopened-390.png"), full_page=True)


def test_a_script_in_an_issue_shows_as_text(new_context, server, world):
    from django.utils import timezone

    from hramada.local_issues.models import Issue
    from hramada.people.tests.factories import UserFactory

    UserFactory(email="newcomer@example.org", date_joined=timezone.now())  # new: her issue waits
    title = "<script>window.__xss = 1</script>Яма"
    description = '<img src=x onerror="window.__xss = 2">Описание <b>жирным</b>'
    dialogs = []

    page = new_context(**PHONE).new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login(page, server, "newcomer@example.org")
    page.goto(f"{server}/ru/issues/new/?community=bashni")
    page.locator("#id_category").select_option(value=str(world["roads"].pk))
    page.locator("#id_title").fill(title)
    page.locator("#id_description").fill(description)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/ru/issues/[0-9a-z]{26}/$"))
    issue = Issue.objects.get()
    assert issue.status == "waiting" and issue.title == title
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("main .prose").first).to_contain_text(description)

    # The moderation queue, in Russian, shows it as typed; the moderator publishes it.
    moderator = new_context().new_page()
    moderator.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login(moderator, server, "moderator@example.org", totp_secret=world["moderator_secret"])
    moderator.goto(f"{server}/ru/manage/issues/")
    card = moderator.locator(f"#i-{issue.public_id}")
    expect(card.locator("h3")).to_have_text(title)
    expect(card.locator(".prose")).to_contain_text(description)
    expect(card.locator("img, b, script")).to_have_count(0)
    card.locator(f"form[action$='/{issue.public_id}/approve/'] button").click()
    expect(moderator.locator(".messages")).to_contain_text("Проблема опубликована.")

    # The list and the issue's page.
    page.goto(f"{server}/ru/issues/")
    expect(page.locator("main")).to_contain_text(title)
    page.goto(f"{server}/ru/issues/{issue.public_id}/")
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("main .prose").first).to_contain_text(description)
    expect(page.locator("main .prose").first.locator("img, b")).to_have_count(0)
    for p in (page, moderator):
        assert p.evaluate("() => window.__xss") is None
    assert dialogs == []

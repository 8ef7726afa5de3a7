"""Issue 12's journey, in Chromium, through the real pages and forms.

An organiser of the OEEC publishes a news post in Belarusian, Russian and English linked to the March
forum in Bashni; a visitor on a phone, in Russian, finds it by a misspelled word and through the
community page. The organiser opens the 2016 indicators for Belarus and downloads the XLSX (it holds
the figures the page shows), the donor report as a PDF (a background task; the immediate backend in
tests) and the IATI file; then imports the attendance list of the autumn workshop, whose two rows look
like people already known, resolves both on the preview (one is the known person, one a namesake) and
sees the result. Every page is checked by the Nu HTML checker and axe-core (conftest), and no request
leaves the test server.

Seeded by factories (the people at the forum, the donor project); every step the user takes goes
through the pages.
"""

import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect

from e2e.helpers import PHONE, login, make_organiser, same_origin

pytestmark = pytest.mark.e2e

TITLES = {
    "en": "March meetings in Bashni: 220 participants",
    "ru": "Мартовские встречи в Башнях: 220 участников",
    "be": "Сакавіцкія сустрэчы ў Башнях: 220 удзельнікаў",
}
PROJECT_TITLE = "Stronger Villages of Belarus"
IATI_ID = "XM-OEEC-SVB-2016"
IATI_NS = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def oeec(transactional_db, places):
    """The OEEC and its organiser; Bashni (Vitebsk region); the March forum in 2016 with ten people
    checked in (five women and five men who gave their gender with consent), among them Hanna
    Kavaliova and Ales Zhuk; an autumn workshop with nobody registered yet; a donor project grouping
    the forum. Saved in committed transactions, so the search index is filled by the signals."""
    from django.utils import timezone

    from hramada.events.tests.factories import EventFactory
    from hramada.people.tests.factories import PersonFactory
    from hramada.places.models import Country, Region
    from hramada.places.tests.factories import CommunityFactory, SettlementFactory
    from hramada.reports.tests.factories import MAN, WOMAN, DonorProjectFactory, attended, consented

    user, org, secret = make_organiser("svetlana@example.org", "oeec", "OEEC")
    bashni = SettlementFactory(
        name="Башні",
        name_be="Башні",
        name_ru="Башни",
        name_en="Bashni",
        region=Region.objects.get(code="BY-VI"),
    )
    community = CommunityFactory(
        settlement=bashni,
        name="Башні",
        name_be="Башні",
        name_ru="Башни",
        name_en="Bashni",
        slug="bashni",
        is_published=True,
    )
    march = timezone.make_aware(dt.datetime(2016, 3, 19, 10))
    forum = EventFactory(
        organisation=org,
        title="Сакавіцкія сустрэчы",
        title_en="March Meetings",
        slug="march-meetings",
        settlement=bashni,
        community=community,
        starts_at=march,
        ends_at=march + dt.timedelta(days=1),
    )
    october = timezone.make_aware(dt.datetime(2016, 10, 8, 10))
    workshop = EventFactory(
        organisation=org,
        title="Восеньская майстэрня",
        title_en="Autumn workshop",
        slug="autumn-workshop",
        settlement=bashni,
        community=community,
        starts_at=october,
        ends_at=october + dt.timedelta(hours=6),
        capacity=30,
    )
    names = [
        ("Hanna Kavaliova", "hanna@example.org", WOMAN),
        ("Ales Zhuk", "ales@example.org", MAN),
        *((f"Woman {n}", "", WOMAN) for n in range(4)),
        *((f"Man {n}", "", MAN) for n in range(4)),
    ]
    for name, email, gender in names:
        person = PersonFactory(display_name=name, email=email, home_settlement=bashni)
        attended(consented(person, gender), forum)
    project = DonorProjectFactory(
        organisation=org,
        title=PROJECT_TITLE,
        title_en=PROJECT_TITLE,
        description_en="Village forums and workshops in the Vitebsk region.",
        starts_on=dt.date(2016, 1, 1),
        ends_on=dt.date(2016, 12, 31),
        reporting_org_ref="XM-OEEC",
        iati_identifier=IATI_ID,
    )
    project.countries.add(Country.objects.get(code="BY"))
    project.events.add(forum, workshop)
    return {
        "secret": secret,
        "forum": forum,
        "workshop": workshop,
        "community": community,
        "project": project,
    }


def _watch_requests(context, seen: list):
    context.on("request", lambda request: seen.append(request.url))


def _page_tables(page) -> dict[str, list[list[str]]]:
    """The cells of every indicators table on the page by its caption, row by row (the row heading
    first); a table's "Nothing recorded." row is no row."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("table.report-table")].map((t) => [
             t.caption.textContent.trim(),
             [...t.querySelectorAll("tbody tr")]
               .filter((tr) => !tr.querySelector("td[colspan]"))
               .map((tr) => [...tr.cells].map((c) => c.textContent.trim())),
           ]))"""
    )


def test_news_search_reports_and_an_attendance_import(new_context, server, oeec, tmp_path):
    from hramada.events.models import Registration
    from hramada.people.models import Person

    requests: list[str] = []
    organiser_context = new_context()
    _watch_requests(organiser_context, requests)
    page = organiser_context.new_page()
    login(page, server, "svetlana@example.org", totp_secret=oeec["secret"])

    # 1. A post in three languages, linked to the forum and to Bashni, published.
    page.goto(f"{server}/en/manage/organisations/oeec/news/new/")
    page.locator("#id_title_en").fill(TITLES["en"])
    page.locator("#id_excerpt_en").fill("Activists from 40 villages met in Bashni.")
    page.locator("#id_body_en").fill("The forum **brought together** 220 people.")
    page.locator("#id_title_ru").fill(TITLES["ru"])
    page.locator("#id_excerpt_ru").fill("Активисты из 40 деревень встретились в Башнях.")
    page.locator("#id_body_ru").fill("Форум **собрал** 220 человек.")
    page.locator("#id_title_be").fill(TITLES["be"])
    page.locator("#id_excerpt_be").fill("Актывісты з 40 вёсак сустрэліся ў Башнях.")
    page.locator("#id_body_be").fill("Форум **сабраў** 220 чалавек.")
    page.locator("#id_events").select_option(oeec["forum"].public_id)
    page.locator("#id_communities").select_option(oeec["community"].public_id)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("draft is saved")
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messages")).to_contain_text("published")

    # 2. A visitor on a phone, in Russian, misspells "Мартовские" and still finds the post; then
    # reaches it again from the community's page.
    visitor_context = new_context(**PHONE)
    _watch_requests(visitor_context, requests)
    visitor = visitor_context.new_page()
    visitor.goto(f"{server}/ru/")
    box = visitor.locator("#site-search-q")
    box.fill("Мартовкие")  # the "с" missed
    box.press("Enter")
    expect(visitor).to_have_url(
        f"{server}/ru/search/?q=%D0%9C%D0%B0%D1%80%D1%82%D0%BE%D0%B2%D0%BA%D0%B8%D0%B5"
    )
    link = visitor.locator(".search-result").get_by_role("link", name=TITLES["ru"])
    expect(link).to_be_visible()
    expect(link.locator("mark")).to_have_text("Мартовские")
    link.click()
    expect(visitor.locator("h1")).to_have_text(TITLES["ru"])
    expect(visitor.locator("main")).to_contain_text("собрал")
    visitor.goto(f"{server}/ru/communities/bashni/")
    expect(visitor.locator("h1")).to_have_text("Башни")
    on_timeline = visitor.locator("ol.timeline").get_by_role("link", name=TITLES["ru"], exact=True)
    expect(on_timeline).to_be_visible()
    assert visitor.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    on_timeline.click()
    expect(visitor.locator("h1")).to_have_text(TITLES["ru"])

    # 3. The 2016 indicators for Belarus, and the same figures in the XLSX.
    from openpyxl import load_workbook

    page.goto(f"{server}/en/reports/")
    page.locator("#id_year").fill("2016")
    page.locator("#id_country").select_option("BY")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("main")).to_contain_text("Figures for Belarus, 2016")
    tables = _page_tables(page)
    summary = {row[0]: row[1:] for row in tables["Reach"]}
    assert summary["Unique people reached"] == ["10"], summary
    with page.expect_download() as info:
        page.get_by_role("link", name="XLSX").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    xlsx = download.path().read_bytes()
    assert xlsx.startswith(b"PK")  # a zip, as an XLSX is
    book = load_workbook(io.BytesIO(xlsx), read_only=True)
    *sheets, definitions = book.worksheets
    assert definitions.title == "Definitions"
    compared = set()
    for sheet in sheets:  # a sheet per table, named by the table's title (cut to 28 characters)
        rows = list(sheet.iter_rows(values_only=True))
        assert "Belarus" in rows[0] and "2016" in rows[0], rows[0]
        # A read-only sheet pads every row to the widest (its first): the table is as wide as its header.
        width = len([v for v in rows[1] if v is not None])
        in_file = [[("" if v is None else str(v)) for v in row[:width]] for row in rows[2:]]
        assert all(v is None for row in rows[1:] for v in row[width:])
        found = [sheet.title] if sheet.title in tables else [c for c in tables if c.startswith(sheet.title)]
        assert len(found) == 1, (sheet.title, list(tables))
        caption = found[0]
        assert in_file == tables[caption], (caption, in_file, tables[caption])
        compared.add(caption)
    assert {"Reach", "People by gender", "By region"} <= compared, compared

    # 4. The donor project: its PDF report (a background task) and its IATI activity file.
    from pypdf import PdfReader

    page.goto(f"{server}/en/manage/organisations/oeec/reports/")
    page.get_by_role("link", name=PROJECT_TITLE).click()
    expect(page.locator("h1")).to_have_text(PROJECT_TITLE)
    page.get_by_role("button", name="Make the donor report (PDF)").click()
    expect(page.locator("h1")).to_have_text("Donor report (PDF)")
    expect(page.locator("#pdf-status")).to_contain_text("The report is ready.")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the PDF").click()
    pdf_bytes = info.value.path().read_bytes()
    assert pdf_bytes.startswith(b"%PDF-")
    assert len(pdf_bytes) > 5_000
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
    assert PROJECT_TITLE in " ".join(text.split()), text[:500]

    page.get_by_role("link", name=PROJECT_TITLE).click()
    with page.expect_download() as info:
        page.get_by_role("link", name="IATI activity XML (2.03)").click()
    assert info.value.suggested_filename.endswith(".xml")
    root = ET.parse(info.value.path()).getroot()  # noqa: S314 (our own file)
    assert root.tag == "iati-activities"
    activity = root.find("iati-activity")
    assert activity.findtext("iati-identifier") == IATI_ID
    titles = [n.text for n in activity.findall("title/narrative")]
    assert PROJECT_TITLE in titles, titles
    assert activity.find("recipient-country").get("code") == "BY"

    # 5. The workshop's attendance list: two rows look like known people (Hanna, Ales), one is new.
    listing = tmp_path / "workshop.csv"
    listing.write_text(
        "Name,E-mail,Settlement,Was there\n"
        "Hanna Kavaliova,,Bashni,yes\n"
        "Ales Zhuk,ales.junior@example.org,Bashni,yes\n"
        "Volha Sidarava,volha@example.org,Bashni,yes\n",
        encoding="utf-8",
    )
    people_before = Person.objects.count()
    page.goto(f"{server}/en/manage/organisations/oeec/imports/new/")
    page.get_by_label("attendance of an event").check()
    page.locator("#id_event").select_option(label="Autumn workshop")
    page.locator("#id_file").set_input_files(str(listing))
    page.get_by_role("button", name="Upload and choose columns").click()
    expect(page.locator("h1")).to_have_text("Which column is which?")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("h1")).to_have_text("Preview")
    expect(page.locator("dl.facts")).to_contain_text("Rows that may be people already known")
    hanna_row = page.locator("fieldset").filter(has_text="Row 2: Hanna Kavaliova")
    ales_row = page.locator("fieldset").filter(has_text="Row 3: Ales Zhuk")
    # A similar name alone is never taken for the same person by default: the organiser decides.
    expect(hanna_row.get_by_label("A new person")).to_be_checked()
    expect(ales_row.get_by_label("A new person")).to_be_checked()
    hanna_row.get_by_label("Same person as Hanna Kavaliova").check()  # she came again
    ales_row.get_by_label("A new person").check()  # his son, another Ales Zhuk
    page.get_by_role("button", name="Import 3 rows").click()
    status = page.locator("#import-status")
    expect(status).to_contain_text("The import is finished.")
    for term, value in [
        ("New people", "2"),  # Volha, and the other Ales Zhuk
        ("Rows matched to people already known", "1"),  # Hanna
        ("Registrations added or updated", "3"),
        ("Rows skipped (errors)", "0"),
    ]:
        expect(status.locator("dt", has_text=term).locator("xpath=following-sibling::dd[1]")).to_have_text(
            value
        )

    page.goto(f"{server}/en/manage/events/autumn-workshop/attendance/")
    expect(page.locator("main")).to_contain_text("3 participants")
    assert Person.objects.count() == people_before + 2
    assert Person.objects.filter(display_name="Hanna Kavaliova").count() == 1
    assert Person.objects.filter(display_name="Ales Zhuk").count() == 2
    came = Registration.objects.filter(event=oeec["workshop"], checked_in_at__isnull=False)
    assert sorted(r.person.display_name for r in came) == ["Ales Zhuk", "Hanna Kavaliova", "Volha Sidarava"]
    assert came.get(person__email="hanna@example.org")

    foreign = [url for url in requests if not same_origin(url, server)]
    assert requests and not foreign, foreign

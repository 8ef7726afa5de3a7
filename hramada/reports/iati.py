"""A donor project as an IATI activity file (standard version 2.03).

Mapping (docs/reports.md has the table):
- ``iati-identifier``: the project's IATI activity identifier (it starts with the lead organisation's);
- ``reporting-org``: the lead organisation (its IATI identifier; type 22, national NGO);
- ``title`` and ``description`` (type 1, general): a ``narrative`` per language that has a text;
- ``participating-org``: the donor as funding (role 1; type 10, government, unless told otherwise)
  and the lead organisation as implementing (role 4);
- ``activity-status``: 1 pipeline before the start date, 2 implementation until the end date,
  4 closed after it;
- ``activity-date``: planned start and end (types 1 and 3), and actual start and end (2 and 4) once
  those dates have passed;
- ``recipient-country``: the project's countries; the percentages are the shares of the unique people
  reached in each (computed from the records), or equal shares when any country has fewer than five
  people reached (so that no small group can be worked back from a percentage) or none at all;
- ``budget``: the grant's budget over the project's dates (type 1 original, status 2 committed);
- ``result`` (type 1, output; aggregation-status 1): one per indicator that maps naturally onto a count
  of people or places (unique people reached, women reached, people with a disability reached,
  participations, settlements), with one period (the project's dates) and its actual value; a count of
  1-4 people is left out (IATI has no "<5").
"""

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from . import indicators
from .indicators import Period, Scope

VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGS = ("be", "ru", "en")
NGO_NATIONAL = "22"
GOVERNMENT = "10"
FUNDING, IMPLEMENTING = "1", "4"


class NotPublishable(Exception):
    """The project lacks what IATI requires (its identifiers)."""


def _narratives(parent, texts: dict):
    for lang in LANGS:
        if texts.get(lang):
            ET.SubElement(parent, "narrative", {XML_LANG: lang}).text = texts[lang]


def _org(parent, tag, organisation, ref, **attrs):
    element = ET.SubElement(parent, tag, ({"ref": ref} if ref else {}) | attrs)
    ET.SubElement(element, "narrative").text = organisation.name
    return element


def _status(project, today) -> str:
    if today < project.starts_on:
        return "1"
    if today <= project.ends_on:
        return "2"
    return "4"


def country_percentages(project) -> dict[str, Decimal]:
    """{country code: percentage}: shares of the people reached, or equal shares (see the module)."""
    codes = sorted(project.countries.values_list("code", flat=True))
    if not codes:
        return {}
    reach = indicators.reach_by_country(project)
    counts = [reach.get(code, 0) for code in codes]
    if any(n < indicators.SMALL_GROUP for n in counts):
        counts = [1] * len(codes)
    total = sum(counts)
    # Whole per cents by largest remainder, so that they add up to exactly 100.
    raw = [Decimal(100) * n / total for n in counts]
    whole = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - whole[i], reverse=True)
    for i in order[: 100 - sum(whole)]:
        whole[i] += 1
    return {code: Decimal(w) for code, w in zip(codes, whole, strict=True)}


def _texts(project, name) -> dict:
    return {lang: getattr(project, f"{name}_{lang}") or "" for lang in LANGS}


def _result(parent, title: str, value, start: dt.date, end: dt.date):
    result = ET.SubElement(parent, "result", {"type": "1", "aggregation-status": "1"})
    _narratives(ET.SubElement(result, "title"), {"en": title})
    indicator = ET.SubElement(result, "indicator", {"measure": "1", "ascending": "1"})
    _narratives(ET.SubElement(indicator, "title"), {"en": title})
    period = ET.SubElement(indicator, "period")
    ET.SubElement(period, "period-start", {"iso-date": start.isoformat()})
    ET.SubElement(period, "period-end", {"iso-date": end.isoformat()})
    ET.SubElement(period, "actual", {"value": str(value)})


def activity_xml(project, *, now=None) -> bytes:
    """The IATI activity file of ``project`` (UTF-8 bytes); NotPublishable without its identifiers or a
    description (both required by IATI)."""
    if not (project.iati_identifier and project.reporting_org_ref):
        raise NotPublishable(
            _(
                "Give the project its IATI activity identifier and the lead organisation's IATI identifier first."
            )
        )
    if not any(_texts(project, "description").values()):
        raise NotPublishable(_("Write the project's description first: IATI requires one."))
    now = now or timezone.now()
    today = timezone.localdate(now)
    stamp = now.replace(microsecond=0).isoformat()
    root = ET.Element("iati-activities", {"version": VERSION, "generated-datetime": stamp})
    attrs = {"last-updated-datetime": project.updated_at.replace(microsecond=0).isoformat()}
    attrs[XML_LANG] = settings.LANGUAGE_CODE[:2]
    if project.budget_currency:
        attrs["default-currency"] = project.budget_currency
    activity = ET.SubElement(root, "iati-activity", attrs)
    ET.SubElement(activity, "iati-identifier").text = project.iati_identifier
    _org(activity, "reporting-org", project.organisation, project.reporting_org_ref, type=NGO_NATIONAL)
    _narratives(ET.SubElement(activity, "title"), _texts(project, "title"))
    _narratives(ET.SubElement(activity, "description", {"type": "1"}), _texts(project, "description"))
    _org(activity, "participating-org", project.donor, project.donor_org_ref, role=FUNDING, type=GOVERNMENT)
    _org(
        activity,
        "participating-org",
        project.organisation,
        project.reporting_org_ref,
        role=IMPLEMENTING,
        type=NGO_NATIONAL,
    )
    ET.SubElement(activity, "activity-status", {"code": _status(project, today)})
    ET.SubElement(activity, "activity-date", {"iso-date": project.starts_on.isoformat(), "type": "1"})
    if project.starts_on <= today:
        ET.SubElement(activity, "activity-date", {"iso-date": project.starts_on.isoformat(), "type": "2"})
    ET.SubElement(activity, "activity-date", {"iso-date": project.ends_on.isoformat(), "type": "3"})
    if project.ends_on < today:
        ET.SubElement(activity, "activity-date", {"iso-date": project.ends_on.isoformat(), "type": "4"})
    for code, percentage in country_percentages(project).items():
        ET.SubElement(activity, "recipient-country", {"code": code, "percentage": str(percentage)})
    if project.budget_amount is not None:
        budget = ET.SubElement(activity, "budget", {"type": "1", "status": "2"})
        ET.SubElement(budget, "period-start", {"iso-date": project.starts_on.isoformat()})
        ET.SubElement(budget, "period-end", {"iso-date": project.ends_on.isoformat()})
        value = ET.SubElement(
            budget,
            "value",
            {"currency": project.budget_currency, "value-date": project.starts_on.isoformat()},
        )
        value.text = str(project.budget_amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    with override("en"):  # result titles in English, the language IATI's registry reads
        report = indicators.report(
            Scope("donor_project", project), Period(project.starts_on, project.ends_on)
        )
        summary = report.table("summary").rows
        women = report.table("by_gender").rows[0][1]  # rows: women, men, another gender, not given
        disabled = report.table("by_disability").rows[0][1]  # rows: with a disability, without, not given
        results = [
            (_("Unique people reached"), summary[0][1]),
            (_("Women reached"), women),
            (_("People with a disability reached"), disabled),
            (_("Participations"), summary[1][1]),
            (_("Settlements reached"), summary[2][1]),
        ]
        for title, value in results:
            if isinstance(value, int):
                _result(activity, title, value, project.starts_on, project.ends_on)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)

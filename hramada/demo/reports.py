"""Demo donor project: "Empowered Women for Social Integration" (the seed: women, also women with
disabilities, in rural entrepreneurship in Armenia, Belarus and Moldova) reports in one place.

The grant's facts (reference, identifiers, budget) are invented for the demo and say so; every figure
on its page is computed from the programme's records that ``demo.programmes`` loaded."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from hramada.places.models import Country
from hramada.programmes.models import Programme
from hramada.reports import services
from hramada.reports.models import DonorProject

PROJECT = {
    "title_en": "Empowered Women for Social Integration",
    "title_be": "Моцныя жанчыны дзеля сацыяльнай інтэграцыі",
    "title_ru": "Сильные женщины для социальной интеграции",
    "description_en": "Social integration of women through entrepreneurship in rural communities of "
    "Armenia, Belarus and Moldova: new skills, business management, and women (also women with "
    "disabilities) bringing change to their communities. (Demo: the grant's reference, identifiers and "
    "budget are invented.)",
    "description_be": "Сацыяльная інтэграцыя жанчын праз прадпрымальніцтва ў сельскіх супольнасцях "
    "Арменіі, Беларусі і Малдовы. (Дэма: нумар гранта, ідэнтыфікатары і бюджэт выдуманыя.)",
    "description_ru": "Социальная интеграция женщин через предпринимательство в сельских сообществах "
    "Армении, Беларуси и Молдовы. (Демо: номер гранта, идентификаторы и бюджет выдуманы.)",
    "grant_reference": "DEMO-2016-EW-01",
    "reporting_org_ref": "BY-DEMO-OEEC",
    "donor_org_ref": "XI-DEMO-DONOR",
    "iati_identifier": "BY-DEMO-OEEC-EW2017",
    "starts_on": dt.date(2017, 1, 1),
    "ends_on": dt.date(2017, 12, 31),
    "budget_amount": Decimal("150000.00"),
    "budget_currency": "EUR",
}


@transaction.atomic
def load(*, admin_user, orgs: dict) -> None:
    """``admin_user`` is platform staff; a script has no session's second factor, so it is granted
    on this object only (as the other demo loaders do)."""
    admin_user.two_factor_passed = True
    programme = Programme.objects.filter(slug="empowered-women").first()
    if programme is None or DonorProject.objects.filter(iati_identifier=PROJECT["iati_identifier"]).exists():
        return
    project = services.create_donor_project(
        actor=admin_user,
        organisation=orgs["oeec"],
        donor=orgs["eu-delegation"],
        countries=list(Country.objects.filter(code__in=["AM", "BY", "MD"])),
        **PROJECT,
    )
    services.set_activities(actor=admin_user, project=project, programmes=[programme])

"""Demo local issues for ``load_demo``: residents of Bashni, Hodosy and Mstislavl district, mostly women
(as the news feed observed), raise issues; neighbours back them; a moderator forwards them to the
district executive committees, which answer in every way there is (acknowledged, planned, resolved,
declined, not ours); one "resolved" is disputed by the residents and reopened; a few stay unanswered
past their deadline. Everything goes through the services with the dates of the time, relative to
today. Call ``load(admin_user=..., orgs=...)`` after the other demo loaders. Loading twice adds nothing.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from hramada.demo.awards import demo_users
from hramada.demo.names import FIRST, LAST_F, LAST_M
from hramada.local_issues import authorities, services
from hramada.local_issues.categories import create_defaults as create_default_categories
from hramada.local_issues.models import Category, Issue
from hramada.orgs import services as org_services
from hramada.orgs.models import Organisation
from hramada.people import services as people_services
from hramada.people.models import Gender, User
from hramada.places.models import Community, Country, District, Region

AUTHORITIES = [
    # slug, names en/be/ru, e-mail, place (district name_en or region code)
    (
        "shumilino-executive-committee",
        (
            "Shumilino District Executive Committee",
            "Шумілінскі раённы выканаўчы камітэт",
            "Шумилинский районный исполнительный комитет",
        ),
        "district:Shumilino District",
    ),
    (
        "vitebsk-regional-executive-committee",
        (
            "Vitebsk Regional Executive Committee",
            "Віцебскі абласны выканаўчы камітэт",
            "Витебский областной исполнительный комитет",
        ),
        "region:BY-VI",
    ),
    (
        "mogilev-regional-executive-committee",
        (
            "Mogilev Regional Executive Committee",
            "Магілёўскі абласны выканаўчы камітэт",
            "Могилёвский областной исполнительный комитет",
        ),
        "region:BY-MA",
    ),
]

# (village, category, title, description, days ago raised, backers, what happens)
ISSUES = [
    (
        "Bashni",
        "culture-sport",
        "Нет освещения на спортивной площадке",
        "Зимой дети тренируются в темноте: на площадке у школы нет ни одного фонаря.",
        120,
        24,
        "resolved-disputed",
    ),
    (
        "Bashni",
        "transport",
        "Автобус до Шумилино ходит два раза в неделю",
        "Пожилым людям не добраться до поликлиники: нужен хотя бы ежедневный рейс.",
        95,
        31,
        "planned",
    ),
    (
        "Bashni",
        "roads",
        "Яма на повороте к ферме",
        "После дождей яма глубиной по колено, машины объезжают по обочине.",
        60,
        9,
        "resolved-confirmed",
    ),
    (
        "Bashni",
        "water",
        "Колодец на улице Садовой пересох",
        "Третий месяц нет воды в общем колодце, ближайший — за километр.",
        40,
        14,
        "unanswered",
    ),
    (
        "Hodosy",
        "social",
        "Нет помещения для клуба пожилых",
        "Клуб собирается на квартирах; в агрогородке пустует здание старой почты.",
        110,
        18,
        "declined",
    ),
    (
        "Hodosy",
        "environment",
        "Стихийная свалка у реки",
        "За мостом мусор выбрасывают прямо на берег, летом там купаются дети.",
        80,
        22,
        "acknowledged",
    ),
    (
        "Hodosy",
        "roads",
        "Тротуар к школе",
        "Дети идут в школу по проезжей части: тротуара нет на всём пути.",
        50,
        11,
        "not-ours",
    ),
    (
        "Hodosy",
        "health",
        "Фельдшер принимает раз в неделю",
        "Нужен приём хотя бы два раза в неделю, особенно зимой.",
        35,
        7,
        "unanswered",
    ),
    (
        "Mstislavl",
        "culture-sport",
        "Закрыт стадион в выходные",
        "Стадион открыт только в будни до 17:00, работающим негде бегать.",
        70,
        16,
        "resolved-confirmed",
    ),
    (
        "Mstislavl",
        "schools",
        "Нет пандуса в районной библиотеке",
        "Человек на коляске не может попасть в библиотеку: вход по высоким ступеням.",
        45,
        12,
        "planned",
    ),
    (
        "Mstislavl",
        "environment",
        "Вырубка сквера на Советской",
        "Жители просят сохранить сквер и обсудить планы с ними.",
        30,
        27,
        "unanswered",
    ),
    (
        "Mstislavl",
        "other",
        "Скамейки у остановки",
        "На остановке у рынка нет ни одной скамейки.",
        8,
        3,
        "waiting",
    ),
]


def _authority(spec, orgs, admin) -> Organisation:
    slug, (en, be, ru), place = spec
    org = Organisation.objects.filter(slug=slug).first() or org_services.create_organisation(
        actor=None,
        slug=slug,
        kind=Organisation.Kind.AUTHORITY,
        country=Country.objects.get(code="BY"),
        name_en=en,
        name_be=be,
        name_ru=ru,
        contact_email=f"{slug}@authority.example.org",
    )
    kind, name = place.split(":", 1)
    if kind == "district":
        authorities.set_area(
            actor=admin, authority=org, district=District.objects.get(name_en=name), answer_days=15
        )
    else:
        authorities.set_area(actor=admin, authority=org, region=Region.objects.get(code=name), answer_days=30)
    return org


def _residents(rng, n) -> list[User]:
    names = []
    taken = set()
    while len(names) < n:
        woman = rng.random() < 0.75  # the seed: women identify local issues
        name = f"{rng.choice(FIRST[:12] if woman else FIRST[12:])} {rng.choice(LAST_F if woman else LAST_M)}"
        if name not in taken:
            taken.add(name)
            names.append((name, woman))
    users = demo_users("resident", [name for name, _w in names])
    for user, (_name, woman) in zip(users, names, strict=True):
        if user.person.gender_consent_at is None and rng.random() < 0.8:
            people_services.set_sensitive_field(
                person=user.person,
                actor=None,
                field="gender",
                value=Gender.WOMAN if woman else Gender.MAN,
                consent=True,
            )
    return users


@transaction.atomic
def load(*, admin_user, orgs: dict) -> None:
    """``admin_user`` is platform staff (a moderator everywhere); the services ask for a session's second
    factor, which a script has not got: it is granted on this object only."""
    if Issue.objects.exists():
        return
    admin_user.two_factor_passed = True
    create_default_categories(Category)  # gone if the database was emptied without migrating (e2e)
    rng = random.Random(2017)
    mstislavl = orgs["mstislavl-executive-committee"]
    if not mstislavl.contact_email:  # a demo database loaded before the committee had an address
        org_services.update_organisation(
            actor=admin_user, organisation=mstislavl, contact_email=f"{mstislavl.slug}@authority.example.org"
        )
    authorities.set_area(
        actor=admin_user,
        authority=mstislavl,
        district=District.objects.get(name_en="Mstislavl District"),
        answer_days=15,
    )
    made = {spec[0]: _authority(spec, orgs, admin_user) for spec in AUTHORITIES}
    residents = _residents(rng, 40)
    citizen = User.objects.get(email="citizen@hramada.local")
    women = [u for u in residents if u.person.display_name.split()[0] in FIRST[:12]]
    men = [u for u in residents if u not in women]
    now = timezone.now()
    for n, (village, code, title, description, days, backers, fate) in enumerate(ISSUES):
        community = Community.objects.filter(settlement__name_en=village).order_by("id").first()
        reporter = citizen if n == 0 else (women[n] if n % 4 else men[n // 4])  # three in four: women
        raised = now - dt.timedelta(days=days)
        issue = services.raise_issue(
            actor=reporter,
            community=community,
            category=Category.objects.get(code=code),
            title=title,
            description=description,
            show_name=n == 0,
            now=raised,
        )
        if fate == "waiting":
            continue  # left in the moderation queue
        if issue.published_at is None:
            issue = services.publish_issue(actor=admin_user, issue=issue, now=raised + dt.timedelta(hours=5))
        for backer in [u for u in [citizen, *residents] if u != reporter][:backers]:
            services.back_issue(actor=backer, issue=issue, now=raised + dt.timedelta(days=1))
        forwarded = raised + dt.timedelta(days=2)
        authority = authorities.suggest_authority(issue)
        authorities.forward_issue(actor=admin_user, issue=issue, authority=authority, now=forwarded)
        _answer(admin_user, issue, authority, fate, forwarded, made, rng)


def _answer(admin, issue, authority, fate, forwarded, made, rng):
    """What the authority did, through its account (the demo's staff acting for it)."""
    if fate == "unanswered":
        return
    when = forwarded + dt.timedelta(days=rng.randint(3, 12))

    def say(kind, **values):
        issue.refresh_from_db()
        return authorities.answer(
            issue=issue, authority=authority, kind=kind, actor=admin, now=when, **values
        )

    if fate == "acknowledged":
        say("acknowledged", text="Обращение получено, выезд специалистов запланирован.")
    elif fate == "planned":
        say("acknowledged", text="Вопрос рассматривается.")
        when += dt.timedelta(days=5)
        say(
            "planned", text="Включено в план работ.", planned_for=timezone.localdate() + dt.timedelta(days=60)
        )
    elif fate == "declined":
        say("declined", text="Здание не находится в собственности сельсовета, передать его невозможно.")
    elif fate == "not-ours":
        say(
            "not_ours",
            text="Строительство тротуаров — компетенция областного дорожного управления.",
            suggested_authority=made["mogilev-regional-executive-committee"],
        )
        issue.refresh_from_db()
        authorities.forward_issue(
            actor=admin,
            issue=issue,
            authority=made["mogilev-regional-executive-committee"],
            now=when + dt.timedelta(days=1),
        )
    elif fate.startswith("resolved"):
        say("resolved", text="Работы выполнены.")
        issue.refresh_from_db()
        fixed = fate == "resolved-confirmed"
        voters = [
            issue.reporter.user,
            *[b.person.user for b in issue.backings.select_related("person__user")[:4]],
        ]
        check_day = issue.resolved_at + dt.timedelta(days=29)
        authorities.ask_if_fixed(now=check_day)
        for i, user in enumerate(voters):
            issue.refresh_from_db()
            if issue.status != "resolved":
                break
            authorities.record_check(actor=user, issue=issue, fixed=fixed if i else True, now=check_day)

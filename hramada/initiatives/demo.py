"""Demo initiatives for ``load_demo`` (the lead calls ``load`` after the contests and awards are in).

"Sport Region" (Mstislavl district, February-October 2016, run by the Office for European Expertise
and Communications, as the seed tells it): master classes, a film screening, contests, a meeting with
sport stars and the final marathon as events with attendance, a budget, updates and volunteers; and
the Bashni project, the 4th Social Weekend's RealtBy prize winner, as an initiative linked to its
award. Everything goes through the services; loading twice adds nothing.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.db.models import Q

from . import services
from .models import Initiative

MINSK = zoneinfo.ZoneInfo("Europe/Minsk")
BASHNI_PROJECT = "Башни — сила воли и сила духа"

SPORT_REGION = {
    "title_en": "Sport Region",
    "title_be": "Спартыўны рэгіён",
    "title_ru": "Спортивный регион",
    "summary_en": "Mstislavl district goes in for sport: master classes, films, contests, sport stars, a marathon.",
    "summary_be": "Мсціслаўшчына займаецца спортам: майстар-класы, фільмы, спаборніцтвы, зоркі спорту, марафон.",
    "summary_ru": "Мстиславщина занимается спортом: мастер-классы, фильмы, соревнования, звёзды спорта, марафон.",
    "story_en": "From February to October 2016 coaches, PE teachers and volunteers met expert coaches and "
    "active athletes at practical and theoretical master classes. Everyone taking part could come to "
    "sport film screenings, contests and competitions, meetings with famous sport stars and the large "
    "final marathon.",
    "story_be": "З лютага па кастрычнік 2016 года трэнеры, настаўнікі фізкультуры і валанцёры сустракаліся "
    "з трэнерамі-экспертамі і дзейнымі спартсменамі на практычных і тэарэтычных майстар-класах. Для ўсіх "
    "удзельнікаў былі паказы спартыўных фільмаў, конкурсы і спаборніцтвы, сустрэчы з зоркамі спорту і "
    "вялікі фінальны марафон.",
    "story_ru": "С февраля по октябрь 2016 года тренеры, учителя физкультуры и волонтёры встречались с "
    "тренерами-экспертами и действующими спортсменами на практических и теоретических мастер-классах. "
    "Для всех участников проходили показы спортивных фильмов, конкурсы и соревнования, встречи со "
    "звёздами спорта и большой финальный марафон.",
    "funding_note": "Office for European Expertise and Communications",
}

# (kind, start, hours, titles en/be/ru)
ACTIVITIES = [
    (
        "master_class",
        (2016, 2, 20, 11),
        4,
        ("Master class for coaches", "Майстар-клас для трэнераў", "Мастер-класс для тренеров"),
    ),
    (
        "screening",
        (2016, 4, 9, 18),
        2,
        ("Sport film screening", "Паказ спартыўнага фільма", "Показ спортивного фильма"),
    ),
    (
        "contest",
        (2016, 6, 4, 10),
        6,
        ("District sport contests", "Раённыя спартыўныя спаборніцтвы", "Районные спортивные соревнования"),
    ),
    (
        "meeting",
        (2016, 8, 27, 15),
        2,
        ("Meeting with sport stars", "Сустрэча з зоркамі спорту", "Встреча со звёздами спорта"),
    ),
    ("marathon", (2016, 10, 1, 9), 5, ("Final marathon", "Фінальны марафон", "Финальный марафон")),
]


def _at(y, m, d, h):
    return dt.datetime(y, m, d, h, tzinfo=MINSK)


def load(*, admin_user, orgs: dict, participants=()) -> None:
    """``admin_user`` is platform staff (the services ask for a session's second factor: a script has
    none, so it is granted here, for this object only); ``participants`` are people checked in at the
    activities, so the page counts people reached."""
    from hramada.events import services as events
    from hramada.places.models import Community

    admin_user.two_factor_passed = True
    oeec = orgs.get("oeec")
    community = Community.objects.filter(name_en="Mstislavl sports community").first()
    if (
        oeec is not None
        and community is not None
        and not Initiative.objects.filter(title_en="Sport Region").exists()
    ):
        initiative = services.create_initiative(
            actor=admin_user,
            organisation=oeec,
            community=community,
            starts_on=dt.date(2016, 2, 1),
            ends_on=dt.date(2016, 10, 31),
            **SPORT_REGION,
        )
        partner = orgs.get("mstislavl-executive-committee")
        if partner is not None:
            services.set_partners(actor=admin_user, initiative=initiative, partners=[partner])
        people = list(participants)
        for n, (kind, start, hours, (en, be, ru)) in enumerate(ACTIVITIES):
            starts = _at(*start)
            activity = services.create_activity(
                actor=admin_user,
                initiative=initiative,
                kind=kind,
                title_en=en,
                title_be=be,
                title_ru=ru,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=hours),
            )
            # Some people come to several activities: people reached counts each once.
            for i, person in enumerate(people[n * 4 : n * 4 + 12]):
                registration = events.register(
                    event=activity.event, person=person, actor=admin_user, staff_entry=True
                )
                events.check_in(
                    actor=admin_user,
                    event=activity.event,
                    ticket_code=registration.ticket_code,
                    client_id=f"demo-initiative-{registration.public_id}",
                    at=starts + dt.timedelta(minutes=5 + i),
                )
        lines = [
            ("Coaches' fees", "1200"),
            ("Marathon: numbers, medals, water", "800"),
            ("Film rights", "150"),
        ]
        spent = {
            "Coaches' fees": ["1150"],
            "Marathon: numbers, medals, water": ["420", "310"],
            "Film rights": [],
        }
        for title, planned in lines:
            line = services.add_budget_line(
                actor=admin_user, initiative=initiative, title=title, planned=Decimal(planned)
            )
            for amount in spent[title]:
                services.record_expense(
                    actor=admin_user,
                    line=line,
                    amount=Decimal(amount),
                    spent_on=dt.date(2016, 9, 30),
                    note=title,
                )
        services.post_update(
            actor=admin_user,
            initiative=initiative,
            text="The final marathon: runners of every age on the streets of Mstislavl.",
        )
        role = services.add_role(
            actor=admin_user,
            initiative=initiative,
            title_en="Marathon steward",
            title_be="Стюард марафона",
            title_ru="Стюард марафона",
            description_en="Show runners the way, hand out water, cheer.",
            description_be="Паказваць бегунам дарогу, раздаваць ваду, падбадзёрваць.",
            description_ru="Показывать бегунам дорогу, раздавать воду, подбадривать.",
        )
        # A shift still to come, so visitors of the demo can volunteer.
        today = dt.datetime.now(tz=MINSK).replace(hour=9, minute=0, second=0, microsecond=0)
        services.add_shift(
            actor=admin_user,
            role=role,
            starts_at=today + dt.timedelta(days=14),
            ends_at=today + dt.timedelta(days=14, hours=4),
            capacity=6,
        )
        services.publish(actor=admin_user, initiative=initiative)

    from hramada.awards.models import Award

    award = (
        Award.objects.filter(project__title=BASHNI_PROJECT)
        .filter(Q(sponsor__slug="realtby") | Q(sponsor__isnull=True))
        .order_by("sponsor_id")
        .last()
    )
    if award is not None and not Initiative.objects.filter(award=award).exists():
        initiative = services.start_from_award(
            actor=admin_user,
            award=award,
            title_be="Башні — сіла волі і сіла духу",
            title_ru=BASHNI_PROJECT,
            title_en="Bashni: strength of will, strength of spirit",
            summary_en="The village of Bashni draws its children to sport: clubs, tournaments and a sports ground.",
            summary_ru="Деревня Башни приобщает детей к спорту: секции, турниры и спортивная площадка.",
            summary_be="Вёска Башні далучае дзяцей да спорту: секцыі, турніры і спартыўная пляцоўка.",
        )
        services.publish(actor=admin_user, initiative=initiative)

"""Demo events: the March Meetings forum (2017, and the next one open for registration), Sport Region
activities in Mstislavl district, and the conference on international technical cooperation."""

import datetime as dt
import random
import zoneinfo

from django.db import transaction

from hramada.events import services as event_services
from hramada.events.models import Book, Event, EventSeries, ReadingSlot, Session, Speaker, Track
from hramada.people.models import Person
from hramada.places.models import Community, Settlement

MINSK = zoneinfo.ZoneInfo("Europe/Minsk")
F = Session.Format


def at(y, m, d, h=10, minute=0):
    return dt.datetime(y, m, d, h, minute, tzinfo=MINSK)


def _event(org, slug, **values) -> Event:
    event = Event.objects.filter(slug=slug).first()
    if event is None:
        event = Event.objects.create(organisation=org, slug=slug, **values)
    return event


def _programme(event, day1, day2, tracks):
    if event.sessions.exists():
        return
    halls = [
        Track.objects.create(
            event=event, name=name["en"], name_en=name["en"], name_be=name["be"], name_ru=name["ru"], order=i
        )
        for i, name in enumerate(tracks)
    ]
    plan = [
        (
            day1,
            10,
            0,
            90,
            F.PRESENTATION,
            0,
            "Opening: civil society in the regions",
            "Адкрыццё: грамадзянская супольнасць у рэгіёнах",
            "Открытие: гражданское общество в регионах",
            None,
            False,
        ),
        (
            day1,
            12,
            0,
            90,
            F.DISCUSSION,
            0,
            "Discussion: how local authorities answer residents",
            "Дыскусія: як мясцовыя ўлады адказваюць жыхарам",
            "Дискуссия: как местные власти отвечают жителям",
            None,
            False,
        ),
        (
            day1,
            12,
            0,
            90,
            F.MASTER_CLASS,
            1,
            "Master class: community needs assessment",
            "Майстар-клас: ацэнка патрэбаў супольнасці",
            "Мастер-класс: оценка потребностей сообщества",
            25,
            True,
        ),
        (
            day1,
            12,
            0,
            90,
            F.MASTER_CLASS,
            2,
            "Master class: finding resources for local projects",
            "Майстар-клас: пошук рэсурсаў для мясцовых праектаў",
            "Мастер-класс: поиск ресурсов для местных проектов",
            20,
            True,
        ),
        (
            day1,
            15,
            0,
            120,
            F.HUMAN_LIBRARY,
            2,
            "Human Library",
            "Жывая бібліятэка",
            "Живая библиотека",
            None,
            False,
        ),
        (
            day1,
            19,
            0,
            120,
            F.FUCKUP_NIGHT,
            0,
            "Fuck-Up Night: what went wrong and what we learned",
            "Fuck-Up Night: што пайшло не так і чаго мы навучыліся",
            "Fuck-Up Night: что пошло не так и чему мы научились",
            None,
            False,
        ),
        (
            day2,
            10,
            0,
            90,
            F.PRESENTATION,
            0,
            "Village brands: Bashni and Hodosy",
            "Брэнды вёсак: Башні і Ходасы",
            "Бренды деревень: Башни и Ходосы",
            None,
            False,
        ),
        (
            day2,
            12,
            0,
            90,
            F.MASTER_CLASS,
            1,
            "Master class: mobilising local people",
            "Майстар-клас: як залучыць мясцовых жыхароў",
            "Мастер-класс: как вовлечь местных жителей",
            25,
            True,
        ),
        (
            day2,
            12,
            0,
            90,
            F.DISCUSSION,
            2,
            "Discussion: women identify local issues",
            "Дыскусія: жанчыны вызначаюць мясцовыя праблемы",
            "Дискуссия: женщины определяют местные проблемы",
            None,
            False,
        ),
        (
            day2,
            15,
            0,
            60,
            F.MEETING,
            0,
            "Closing meeting and next year's plans",
            "Заключная сустрэча і планы на наступны год",
            "Заключительная встреча и планы на следующий год",
            None,
            False,
        ),
    ]
    for day, h, m, minutes, fmt, track, en, be, ru, capacity, signup in plan:
        start = day.replace(hour=h, minute=m)
        Session.objects.create(
            event=event,
            track=halls[track],
            title_en=en,
            title_be=be,
            title_ru=ru,
            format=fmt,
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=minutes),
            language="be",
            capacity=capacity,
            needs_signup=signup,
        )


def _library(event, day, people):
    if event.books.exists():
        return
    stories = [
        (
            "From factory worker to village leader",
            "Ад рабочай да лідаркі вёскі",
            "От работницы завода до лидера деревни",
        ),
        (
            "Living with a disability in a small town",
            "Жыццё з інваліднасцю ў маленькім горадзе",
            "Жизнь с инвалидностью в маленьком городе",
        ),
        ("Why I came back to my village", "Чаму я вярнуўся ў сваю вёску", "Почему я вернулся в свою деревню"),
        (
            "Mother of five, founder of a women's club",
            "Маці пяцярых, заснавальніца жаночага клуба",
            "Мать пятерых детей, основательница женского клуба",
        ),
    ]
    for i, (en, be, ru) in enumerate(stories):
        book = Book.objects.create(
            event=event,
            person=people[i],
            title_en=en,
            title_be=be,
            title_ru=ru,
            description_en="A 25-minute conversation, one to three readers.",
            description_be="Размова на 25 хвілін, ад аднаго да трох чытачоў.",
            description_ru="Разговор на 25 минут, от одного до трёх читателей.",
            shown_name=i % 2 == 0,
        )
        for slot in range(3):
            start = day.replace(hour=15, minute=0) + dt.timedelta(minutes=40 * slot)
            ReadingSlot.objects.create(
                book=book,
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=25),
                capacity=1 + (i + slot) % 3,
            )


@transaction.atomic
def load(*, organiser_user, orgs: dict) -> None:
    oeec = orgs["oeec"]
    participants = list(Person.objects.filter(source=Person.Source.IMPORT).order_by("display_name"))
    rng = random.Random(2017)

    series, _ = EventSeries.objects.get_or_create(
        slug="march-meetings",
        defaults={
            "organisation": oeec,
            "title": "March Meetings",
            "title_en": "March Meetings",
            "title_be": "Сакавіцкія сустрэчы",
            "title_ru": "Мартовские встречи",
        },
    )
    minsk = Settlement.objects.get(name_en="Minsk")
    forum = _event(
        oeec,
        "march-meetings-2017",
        series=series,
        edition="2017",
        title_en="CSO March Meetings",
        title_be="Сакавіцкія сустрэчы АГС",
        title_ru="Мартовские встречи ОГО",
        summary_en="The civil-society forum: 220 participants from 40 Belarusian locations.",
        summary_be="Форум грамадзянскай супольнасці: 220 удзельнікаў з 40 населеных пунктаў Беларусі.",
        summary_ru="Форум гражданского общества: 220 участников из 40 населённых пунктов Беларуси.",
        description_en="On March 4-5, in Minsk, activists took part in presentations, discussions, master classes, "
        "a Human Library and a Fuck-Up Night to share their experience of working in local communities.",
        description_be="4–5 сакавіка ў Мінску актывісты ўдзельнічалі ў прэзентацыях, дыскусіях, майстар-класах, "
        "Жывой бібліятэцы і Fuck-Up Night, каб падзяліцца досведам працы ў мясцовых супольнасцях.",
        description_ru="4–5 марта в Минске активисты участвовали в презентациях, дискуссиях, мастер-классах, "
        "Живой библиотеке и Fuck-Up Night, чтобы поделиться опытом работы в местных сообществах.",
        status=Event.Status.PUBLISHED,
        starts_at=at(2017, 3, 4, 10),
        ends_at=at(2017, 3, 5, 17),
        venue_en="Minsk",
        venue_be="Мінск",
        venue_ru="Минск",
        settlement=minsk,
        capacity=220,
        registration_mode=Event.Mode.APPROVAL,
    )
    forum.co_organisers.add(orgs["interakcia"])
    tracks = [
        {"en": "Main hall", "be": "Вялікая зала", "ru": "Большой зал"},
        {"en": "Room A", "be": "Зала A", "ru": "Зал A"},
        {"en": "Room B", "be": "Зала B", "ru": "Зал B"},
    ]
    _programme(forum, at(2017, 3, 4), at(2017, 3, 5), tracks)
    _library(forum, at(2017, 3, 4), participants[-8:])
    if not forum.registrations.exists():
        for i, person in enumerate(participants[:220]):
            registration = event_services.register(
                event=forum, person=person, actor=organiser_user, staff_entry=True
            )
            arrived = at(2017, 3, 4, 9, 0) + dt.timedelta(seconds=20 * i + rng.randint(0, 15))
            event_services.check_in(
                actor=organiser_user,
                event=forum,
                ticket_code=registration.ticket_code,
                client_id=f"demo-{registration.public_id}",
                at=arrived,
            )
        for session in forum.sessions.filter(format__in=[F.PRESENTATION, F.DISCUSSION])[:3]:
            Speaker.objects.get_or_create(
                session=session, person=participants[rng.randrange(220)], defaults={"shown_publicly": True}
            )

    # The next forum, open for registration so a visitor can try it.
    upcoming = _event(
        oeec,
        "march-meetings-2027",
        series=series,
        edition="2027",
        title_en="CSO March Meetings",
        title_be="Сакавіцкія сустрэчы АГС",
        title_ru="Мартовские встречи ОГО",
        summary_en="The yearly civil-society forum. Registration is open.",
        summary_be="Штогадовы форум грамадзянскай супольнасці. Рэгістрацыя адкрытая.",
        summary_ru="Ежегодный форум гражданского общества. Регистрация открыта.",
        description_en="Two days of presentations, discussions, master classes, a Human Library and a Fuck-Up Night.",
        description_be="Два дні прэзентацый, дыскусій, майстар-класаў, Жывая бібліятэка і Fuck-Up Night.",
        description_ru="Два дня презентаций, дискуссий, мастер-классов, Живая библиотека и Fuck-Up Night.",
        status=Event.Status.PUBLISHED,
        starts_at=at(2027, 3, 4, 10),
        ends_at=at(2027, 3, 5, 17),
        venue_en="Minsk",
        venue_be="Мінск",
        venue_ru="Минск",
        settlement=minsk,
        capacity=220,
        registration_mode=Event.Mode.OPEN,
        registration_closes_at=at(2027, 3, 1, 23, 59),
    )
    _programme(upcoming, at(2027, 3, 4), at(2027, 3, 5), tracks)
    _library(upcoming, at(2027, 3, 4), participants[-12:-4])

    # Sport Region, February-October 2016, Mstislavl district.
    sport, _ = EventSeries.objects.get_or_create(
        slug="sport-region",
        defaults={
            "organisation": oeec,
            "title": "Sport Region",
            "title_en": "Sport Region",
            "title_be": "Спартыўны рэгіён",
            "title_ru": "Спортивный регион",
        },
    )
    mstislavl = Settlement.objects.get(name_en="Mstislavl")
    community = Community.objects.filter(settlement=mstislavl).first()
    activities = [
        (
            "sport-region-master-class",
            (
                "Master classes with expert coaches",
                "Майстар-класы з вопытнымі трэнерамі",
                "Мастер-классы с опытными тренерами",
            ),
            F.MASTER_CLASS,
            at(2016, 3, 12),
        ),
        (
            "sport-region-screening",
            ("Sports film screening", "Паказ спартыўнага фільма", "Показ спортивного фильма"),
            F.SCREENING,
            at(2016, 5, 20, 18),
        ),
        (
            "sport-region-contests",
            (
                "District sports contests",
                "Раённыя спартыўныя спаборніцтвы",
                "Районные спортивные соревнования",
            ),
            F.COMPETITION,
            at(2016, 7, 9),
        ),
        (
            "sport-region-stars",
            ("Meeting with sport stars", "Сустрэча з зоркамі спорту", "Встреча со звёздами спорта"),
            F.MEETING,
            at(2016, 9, 3, 15),
        ),
        (
            "sport-region-marathon",
            (
                "Sport Region final marathon",
                "Фінальны марафон «Спартыўнага рэгіёна»",
                "Финальный марафон «Спортивного региона»",
            ),
            F.RACE,
            at(2016, 10, 8, 9),
        ),
    ]
    for slug, (title_en, title_be, title_ru), fmt, start in activities:
        titles = {"title_en": title_en, "title_be": title_be, "title_ru": title_ru}
        event = _event(
            oeec,
            slug,
            series=sport,
            edition="2016",
            **titles,
            status=Event.Status.PUBLISHED,
            summary_en="Part of the Sport Region local initiative in Mstislavl district.",
            summary_be="Частка мясцовай ініцыятывы «Спартыўны рэгіён» у Мсціслаўскім раёне.",
            summary_ru="Часть местной инициативы «Спортивный регион» в Мстиславском районе.",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=4),
            venue_en="Mstislavl",
            venue_be="Мсціслаў",
            venue_ru="Мстиславль",
            settlement=mstislavl,
            community=community,
            registration_mode=Event.Mode.OPEN,
        )
        if not event.sessions.exists():
            Session.objects.create(
                event=event,
                **titles,
                format=fmt,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=4),
            )

    _event(
        orgs["interakcia"],
        "international-cooperation-conference",
        title_en="Conference on international technical cooperation",
        title_be="Канферэнцыя па міжнародным тэхнічным супрацоўніцтве",
        title_ru="Конференция по международному техническому сотрудничеству",
        summary_en="Representatives of NGOs, ministries, regional executive committees and EU organisations.",
        summary_be="Прадстаўнікі грамадскіх арганізацый, міністэрстваў, аблвыканкамаў і арганізацый Еўрапейскага саюза.",
        summary_ru="Представители общественных организаций, министерств, облисполкомов и организаций Европейского союза.",
        status=Event.Status.PUBLISHED,
        starts_at=at(2016, 12, 12, 10),
        ends_at=at(2016, 12, 12, 17),
        venue_en="Minsk",
        venue_be="Мінск",
        venue_ru="Минск",
        settlement=minsk,
        registration_mode=Event.Mode.INVITATION,
    )

"""Build the demo data set described by the NGO's news feed (see docs/demo.md). Idempotent."""

import random
from pathlib import Path

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from hramada.demo import awards as demo_awards
from hramada.demo import brand as demo_brand
from hramada.demo import contests as demo_contests
from hramada.demo import events as demo_events
from hramada.demo import issues as demo_issues
from hramada.demo import news as demo_news
from hramada.demo import programmes as demo_programmes
from hramada.demo import reports as demo_reports
from hramada.demo.names import FIRST, LAST_F, LAST_M
from hramada.initiatives import demo as demo_initiatives
from hramada.orgs import services as org_services
from hramada.orgs.models import Membership, Organisation, Role
from hramada.people import services as people_services
from hramada.people.models import Gender, Person, User
from hramada.places import services as place_services
from hramada.places.models import Community, Country, Settlement
from hramada.search import services as search_services

DATA = Path(__file__).resolve().parents[2] / "data"
DEMO_PASSWORD = "hramada-demo-2026"  # noqa: S105 - printed for the demo on purpose

LOGINS = [
    # email, display name, platform staff, (organisation slug, role)
    ("admin@hramada.local", "Platform Admin", True, None),
    ("organiser@hramada.local", "Svetlana Zinkevich", False, ("oeec", Role.OWNER)),
    ("manager@hramada.local", "Ivan Shchadranok", False, ("interakcia", Role.OWNER)),
    ("expert@hramada.local", "Alena Expert", False, ("oeec", Role.EXPERT)),
    ("citizen@hramada.local", "Marina Alekseenko", False, None),
]

ORGANISATIONS = [
    {
        "slug": "oeec",
        "kind": Organisation.Kind.EDUCATION,
        "name_en": "Office for European Expertise and Communications",
        "name_be": "Офіс еўрапейскай экспертызы і камунікацый",
        "name_ru": "Офис европейской экспертизы и коммуникаций",
        "description_en": "Works in the regions of Belarus developing and supporting local communities: "
        "the Leadership in Local Communities programme, the March Meetings civil-society forum, local "
        "initiatives such as Sport Region, and co-sponsorship of the Social Weekend contest.",
        "description_be": "Працуе ў рэгіёнах Беларусі, развіваючы і падтрымліваючы мясцовыя супольнасці: "
        "праграма «Лідарства ў мясцовых супольнасцях», форум «Сакавіцкія сустрэчы», мясцовыя ініцыятывы.",
        "description_ru": "Работает в регионах Беларуси, развивая и поддерживая местные сообщества: "
        "программа «Лидерство в местных сообществах», форум «Мартовские встречи», местные инициативы.",
        "website": "https://oeec.example.org",
        "contact_email": "info@oeec.example.org",
        "settlement": "Minsk",
    },
    {
        "slug": "interakcia",
        "kind": Organisation.Kind.NGO,
        "name_en": "Interakcia Foundation",
        "name_be": "Фонд «Інтэракцыя»",
        "name_ru": "Фонд «Интеракция»",
        "description_en": "A foundation supporting international technical cooperation and civil-society projects.",
        "description_be": "Фонд, які падтрымлівае праекты міжнароднага тэхнічнага супрацоўніцтва і грамадзянскай "
        "супольнасці.",
        "description_ru": "Фонд, поддерживающий проекты международного технического сотрудничества и гражданского "
        "общества.",
        "settlement": "Minsk",
    },
    {
        "slug": "social-weekend",
        "kind": Organisation.Kind.NGO,
        "name_en": "Social Weekend team",
        "name_be": "Каманда Social Weekend",
        "name_ru": "Команда Social Weekend",
        "description_en": "Runs the Social Weekend contest of social projects.",
        "description_be": "Праводзіць Social Weekend — конкурс сацыяльных праектаў.",
        "description_ru": "Проводит Social Weekend — конкурс социальных проектов.",
        "settlement": "Minsk",
    },
    {
        "slug": "realtby",
        "kind": Organisation.Kind.SPONSOR,
        "name_en": "RealtBy",
        "name_be": "RealtBy",
        "name_ru": "RealtBy",
        "description_en": "A Belarusian real-estate portal. It funded the winner of the category “We build the "
        "world around us” of the 4th Social Weekend.",
        "description_be": "Беларускі партал пра нерухомасць. Прафінансаваў пераможцу намінацыі «Будуем свет "
        "вакол нас» чацвёртага Social Weekend.",
        "description_ru": "Белорусский портал о недвижимости. Профинансировал победителя номинации «Строим мир "
        "вокруг нас» четвёртого Social Weekend.",
        "settlement": "Minsk",
    },
    {
        "slug": "mstislavl-executive-committee",
        "kind": Organisation.Kind.AUTHORITY,
        "name_en": "Mstislavl District Executive Committee",
        "name_be": "Мсціслаўскі раённы выканаўчы камітэт",
        "name_ru": "Мстиславский районный исполнительный комитет",
        "contact_email": "mstislavl-executive-committee@authority.example.org",
        "settlement": "Mstislavl",
    },
    {
        "slug": "eu-delegation",
        "kind": Organisation.Kind.DONOR,
        "name_en": "EU-funded cooperation programme",
        "name_be": "Праграма супрацоўніцтва, якую фінансуе ЕС",
        "name_ru": "Программа сотрудничества, финансируемая ЕС",
        "description_en": "A donor of multi-country projects in Armenia, Belarus and Moldova.",
        "description_be": "Фінансуе праекты адначасова ў некалькіх краінах: Арменіі, Беларусі і Малдове.",
        "description_ru": "Финансирует проекты сразу в нескольких странах: Армении, Беларуси и Молдове.",
    },
]

COMMUNITIES = [
    {
        "settlement": "Bashni",
        "name_en": "Bashni village",
        "name_be": "Вёска Башні",
        "name_ru": "Деревня Башни",
        "summary_en": "“Bashni — willpower and strength of mind”: a village that built its brand around sport.",
        "summary_be": "«Башні — сіла волі і сіла духу»: вёска, якая пабудавала свой брэнд вакол спорту.",
        "summary_ru": "«Башни — сила воли и сила духа»: деревня, построившая свой бренд вокруг спорта.",
        "story_en": "Bashni promoted itself by taking part in the project “Bashni — willpower and strength of "
        "mind”, which won the category “We build the world around us” of the 4th Social Weekend contest. "
        "The project draws children to sport and physical culture; RealtBy funded it.",
        "story_be": "Башні заявілі пра сябе праектам «Башні — сіла волі і сіла духу», які перамог у намінацыі "
        "«Будуем свет вакол нас» чацвёртага конкурсу Social Weekend. Праект прыцягвае дзяцей да спорту і "
        "фізічнай культуры; грошы на яго даў RealtBy.",
        "story_ru": "Башни заявили о себе проектом «Башни — сила воли и сила духа», который победил в номинации "
        "«Строим мир вокруг нас» четвёртого конкурса Social Weekend. Проект привлекает детей к спорту и "
        "физической культуре; деньги на него выделил RealtBy.",
        "leader": (
            "Marina Alekseenko",
            {
                "role_en": "programme alumna, community leader",
                "role_be": "выпускніца праграмы, лідарка супольнасці",
                "role_ru": "выпускница программы, лидер сообщества",
            },
        ),
    },
    {
        "settlement": "Hodosy",
        "name_en": "Hodosy agro-town",
        "name_be": "Аграгарадок Ходасы",
        "name_ru": "Агрогородок Ходосы",
        "summary_en": "A small community making its own brand, right before our eyes.",
        "summary_be": "Невялікая супольнасць, якая стварае свой брэнд проста на нашых вачах.",
        "summary_ru": "Небольшое сообщество, которое создаёт свой бренд прямо на наших глазах.",
        "story_en": "Aleksandr Semenov, a participant of the Leadership in Local Communities programme, works "
        "here on community development and the village brand.",
        "story_be": "Аляксандр Сямёнаў, удзельнік праграмы «Лідарства ў мясцовых супольнасцях», займаецца тут "
        "развіццём супольнасці і брэндам аграгарадка.",
        "story_ru": "Александр Семёнов, участник программы «Лидерство в местных сообществах», занимается здесь "
        "развитием сообщества и брендом агрогородка.",
        "leader": (
            "Aleksandr Semenov",
            {
                "role_en": "programme alumnus, community leader",
                "role_be": "выпускнік праграмы, лідар супольнасці",
                "role_ru": "выпускник программы, лидер сообщества",
            },
        ),
    },
    {
        "settlement": "Mstislavl",
        "name_en": "Mstislavl sports community",
        "name_be": "Спартыўная супольнасць Мсціслава",
        "name_ru": "Спортивное сообщество Мстиславля",
        "summary_en": "Coaches, PE teachers and volunteers of the Sport Region initiative.",
        "summary_be": "Трэнеры, настаўнікі фізкультуры і валанцёры ініцыятывы «Спартыўны рэгіён».",
        "summary_ru": "Тренеры, учителя физкультуры и волонтёры инициативы «Спортивный регион».",
    },
    {
        "settlement": "Minsk",
        "neighbourhood": "Uručča",
        "name_en": "Uručča neighbours",
        "name_be": "Суседзі Уручча",
        "name_ru": "Соседи Уручья",
        "summary_en": "Residents of a Minsk neighbourhood who look after their yards together.",
        "summary_be": "Жыхары мінскага мікрараёна, якія разам даглядаюць свае двары.",
        "summary_ru": "Жители минского микрорайона, которые вместе ухаживают за своими дворами.",
    },
    {
        "settlement": "Polotsk",
        "name_en": "Polotsk youth initiative",
        "name_be": "Моладзевая ініцыятыва Полацка",
        "name_ru": "Молодёжная инициатива Полоцка",
        "summary_en": "Young people of Polotsk who organise volunteering and festivals in the old town.",
        "summary_be": "Моладзь Полацка, якая ладзіць валанцёрскія акцыі і фестывалі ў старым горадзе.",
        "summary_ru": "Молодёжь Полоцка, которая организует волонтёрские акции и фестивали в старом городе.",
    },
    {
        "settlement": "Pinsk",
        "name_en": "Pinsk women's club",
        "name_be": "Пінскі жаночы клуб",
        "name_ru": "Пинский женский клуб",
        "summary_en": "Women of Pinsk who meet to raise local issues and start small businesses together.",
        "summary_be": "Жанчыны Пінска, якія разам уздымаюць мясцовыя праблемы і пачынаюць уласную справу.",
        "summary_ru": "Женщины Пинска, которые вместе поднимают местные проблемы и начинают своё дело.",
    },
]


class Command(BaseCommand):
    help = "Load the demo data set (organisations, places, communities, people and demo logins). Idempotent."

    def handle(self, *args, **options):
        # The demo's people are invented: the e-mails their actions trigger (screening results, tickets)
        # are kept in memory instead of flooding the console or reaching a real mail server.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            place_services.sync_regions()
            self._settlements()
            people = self._logins()
            orgs = self._organisations(people)
            self._memberships(people, orgs)
            self._communities(people)
            self._participants()
            demo_events.load(organiser_user=people["Svetlana Zinkevich"].user, orgs=orgs)
            demo_contests.load(admin_user=people["Platform Admin"].user, orgs=orgs)
            demo_awards.load(admin_user=people["Platform Admin"].user, orgs=orgs)
            demo_programmes.load(admin_user=people["Platform Admin"].user, orgs=orgs)
            demo_initiatives.load(
                admin_user=people["Platform Admin"].user,
                orgs=orgs,
                participants=Person.objects.filter(
                    source=Person.Source.IMPORT, home_settlement__district__name_en="Mstislavl District"
                ).order_by("id"),
            )
            demo_issues.load(admin_user=people["Platform Admin"].user, orgs=orgs)
            demo_news.load(admin_user=people["Platform Admin"].user, orgs=orgs)
            demo_reports.load(admin_user=people["Platform Admin"].user, orgs=orgs)
            demo_brand.load(admin_user=people["Platform Admin"].user)
        search_services.rebuild()  # the whole search index at once, after the data is committed
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Logins (password for all: {DEMO_PASSWORD}):"))
        for email, name, staff, org in LOGINS:
            what = (
                "platform staff"
                if staff
                else (f"{org[1]} of {org[0]}" if org else "resident, no organisation")
            )
            self.stdout.write(f"  {email:<28} {name:<22} {what}")
        self.stdout.write(
            "Organiser pages ask each login to set up two-factor authentication (any TOTP app)."
        )
        self.stdout.write(
            "The public vote of the 7th Social Weekend is open: log in as citizen@hramada.local and vote "
            "under Contests."
        )
        self.stdout.write(
            "Programmes: the Leadership programme's next call is open (apply as any login); "
            "citizen@hramada.local is an alumna with her action plan and certificate under My programmes."
        )

    def _settlements(self):
        text = (DATA / "settlements.csv").read_text()
        names = [line.split(",")[4] for line in text.splitlines()[1:]]
        if Settlement.objects.filter(name_en__in=names).count() == len(names):
            return
        report = place_services.import_settlements(actor=None, text=text)
        if report.errors:
            raise RuntimeError(f"demo settlements: {report.errors}")

    def _settlement(self, name_en):
        return Settlement.objects.get(name_en=name_en)

    def _logins(self):
        people = {}
        for email, name, staff, _org in LOGINS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email, password=DEMO_PASSWORD, is_staff=staff, is_superuser=staff
                )
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            person = people_services.ensure_person(user)
            if person.display_name != name:
                person.display_name = name
                person.save(update_fields=["display_name"])
            people[name] = person
        citizen = people["Marina Alekseenko"]
        if citizen.home_settlement_id is None:
            people_services.update_profile(
                person=citizen,
                actor=citizen.user,
                display_name=citizen.display_name,
                home_settlement=self._settlement("Bashni"),
                preferred_language="be",
            )
        return people

    def _organisations(self, people):
        orgs = {}
        belarus = Country.objects.get(code="BY")
        for spec in ORGANISATIONS:
            spec = dict(spec)
            slug = spec.pop("slug")
            settlement = spec.pop("settlement", None)
            org = Organisation.objects.filter(slug=slug).first()
            if org is None:
                org = org_services.create_organisation(
                    actor=None,
                    slug=slug,
                    country=belarus,
                    settlement=self._settlement(settlement) if settlement else None,
                    **spec,
                )
            orgs[slug] = org
        return orgs

    def _memberships(self, people, orgs):
        by_email = {email: name for email, name, _s, _o in LOGINS}
        for email, _name, _staff, org in LOGINS:
            if org:
                Membership.objects.get_or_create(
                    organisation=orgs[org[0]], person=people[by_email[email]], defaults={"role": org[1]}
                )

    def _communities(self, people):
        for spec in COMMUNITIES:
            spec = dict(spec)
            settlement = self._settlement(spec.pop("settlement"))
            leader = spec.pop("leader", None)
            community = Community.objects.filter(settlement=settlement, name_en=spec["name_en"]).first()
            if community is None:
                community = place_services.save_community(actor=None, settlement=settlement, **spec)
            if leader:
                person = people.get(leader[0]) or Person.objects.filter(display_name=leader[0]).first()
                if person is None:
                    person = people_services.create_person(
                        actor=None, display_name=leader[0], home_settlement=settlement
                    )
                if not community.leaders.filter(person=person).exists():
                    record = place_services.set_leader(
                        actor=None, community=community, person=person, shown_publicly=True
                    )
                    # set_leader takes the role in one language only: the demo fills all three.
                    for field, text in leader[1].items():
                        setattr(record, field, text)
                    record.save(update_fields=list(leader[1]))

    def _participants(self):
        """220 forum participants from the 40 demo locations, most without a login."""
        if Person.objects.filter(source=Person.Source.IMPORT).count() >= 220:
            return
        rng = random.Random(2017)  # the March Meetings year: the same people on every run
        settlements = list(Settlement.objects.order_by("name_en"))
        existing = set(
            Person.objects.filter(source=Person.Source.IMPORT).values_list("display_name", flat=True)
        )
        n = 0
        while len(existing) < 220:
            woman = rng.random() < 0.68  # the seed: women are more involved in local issues
            first = rng.choice(FIRST[:12] if woman else FIRST[12:])
            last = rng.choice(LAST_F if woman else LAST_M)
            name = f"{first} {last}"
            if name in existing:
                name = f"{first} {last} ({n})"
            n += 1
            if name in existing:
                continue
            person = people_services.create_person(
                actor=None,
                display_name=name,
                home_settlement=settlements[len(existing) % len(settlements)],
                source=Person.Source.IMPORT,
            )
            if rng.random() < 0.6:
                people_services.set_sensitive_field(
                    person=person,
                    actor=None,
                    field="gender",
                    value=Gender.WOMAN if woman else Gender.MAN,
                    consent=True,
                )
            existing.add(name)

"""Demo contests: the 4th and 6th Social Weekend (finished, with public votes) and a 7th open for voting."""

import datetime as dt
import random
import zoneinfo

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from hramada.contests import services as contest_services
from hramada.contests.models import Contest, Edition, Stage
from hramada.people.models import Person, User
from hramada.places.models import Community, Settlement
from hramada.voting import services as voting_services

MINSK = zoneinfo.ZoneInfo("Europe/Minsk")
K = Stage.Kind

# Project titles as a Belarusian team writes them: mostly Russian, some Belarusian (the seed names
# "Башни — сила воли и сила духа"). Contests, editions and categories are translated (be, ru, en).
BASHNI = "Башни — сила воли и сила духа"
CRISIS_PSYCHOLOGY = "Курсы кризисной психологии для хирургов-трансплантологов"
TERRACE = "Терраса: свободное творческое пространство в самом центре Минска"
AUTISM_COURSE = "Онлайн-курс для педагогов и родителей детей с аутизмом"
FLATMATE = "Хороший сосед: сервис поиска соседей по квартире"
HODOSY_BRAND = "Бренд и фестиваль агрогородка Ходосы"
TOOL_LIBRARY = "Суседская бібліятэка інструментаў"
# Projects of the demo's communities (by the community's name_en): their pages link to each other.
COMMUNITY_OF = {BASHNI: "Bashni village", HODOSY_BRAND: "Hodosy agro-town", TOOL_LIBRARY: "Uručča neighbours"}

# {(category title_en, title_be, title_ru): [(project title, summary, settlement name_en)]}
FOURTH = {
    ("We build the world around us", "Будуем свет вакол нас", "Строим мир вокруг нас"): [
        (
            BASHNI,
            "Деревня Башни Шумилинского района приобщает детей к спорту и физической культуре: секции, "
            "турниры и спортивная площадка, которую жители обустраивают вместе.",
            "Bashni",
        ),
        (
            "Детская площадка всей улицей",
            "Жители одной улицы в Кобрине сами придумывают и строят детскую площадку: материалы дают "
            "спонсоры, работают все вместе на субботниках.",
            "Kobrin",
        ),
        (
            "Чыстыя берагі Піны",
            "Валанцёры Пінска прыбіраюць берагі ракі, ставяць сметніцы і ладзяць экалагічныя ўрокі для "
            "школьнікаў.",
            "Pinsk",
        ),
        (
            "Велодорожка к сельской школе",
            "Безопасная велодорожка от окраины Мотоля до школы, чтобы дети не ездили по обочине трассы.",
            "Motal",
        ),
    ],
    ("Social entrepreneurship", "Сацыяльнае прадпрымальніцтва", "Социальное предпринимательство"): [
        (
            "Пекарня «Добрый хлеб»",
            "Небольшая пекарня в Могилёве, где работают люди с инвалидностью; доход идёт на зарплаты и "
            "обучение новых пекарей.",
            "Mogilev",
        ),
        (
            "Благотворительный секонд-хенд для детского приюта",
            "Магазин принимает вещи от жителей Витебска и продаёт их, а прибыль отдаёт детскому приюту.",
            "Vitebsk",
        ),
        (
            "Вясковыя рамёствы ў сеціве",
            "Майстры з Браслаўшчыны прадаюць свае вырабы праз інтэрнэт-краму; каманда вучыць іх "
            "фатаграфаваць і апісваць тавары.",
            "Braslav",
        ),
        (
            "Сеть агроусадеб Поозерья",
            "Общий сайт, бронирование и обучение для хозяев агроусадеб Глубокского района.",
            "Glubokoye",
        ),
    ],
    ("Education and culture", "Адукацыя і культура", "Образование и культура"): [
        (
            "Бабулі і дзядулі вучаць рамёствам",
            "Старэйшыя жыхары Слоніма вядуць для дзяцей заняткі па ткацтве, разьбе і саломапляценні.",
            "Slonim",
        ),
        (
            "Библиотека на каждой остановке",
            "Полки с книгами на автобусных остановках Гродно: возьми почитать, оставь свою.",
            "Grodno",
        ),
        (
            "Краязнаўчыя шпацыры для падлеткаў",
            "Школьнікі Навагрудка самі рыхтуюць і праводзяць экскурсіі па родным горадзе.",
            "Novogrudok",
        ),
        (
            "Театр неслышащих актёров",
            "Театральная студия в Гомеле, где играют глухие и слабослышащие актёры; спектакли идут с "
            "переводом на жестовый язык и субтитрами.",
            "Gomel",
        ),
    ],
    ("Health and care", "Здароўе і клопат", "Здоровье и забота"): [
        (
            "Волонтёры-водители для пожилых пациентов",
            "Волонтёры на своих машинах отвозят пожилых людей из деревень Кричевского района в "
            "поликлинику и обратно.",
            "Krichev",
        ),
        (
            "Первая помощь — каждому сельскому учителю",
            "Курсы первой помощи для учителей сельских школ Лидского района.",
            "Lida",
        ),
        (
            "Спорт для детей малых городов",
            "Бесплатные спортивные секции в Жлобине для детей, чьи родители не могут платить за занятия.",
            "Zhlobin",
        ),
        (
            "Группа поддержки молодых мам",
            "Встречи, консультации психолога и обмен детскими вещами для молодых мам Бобруйска.",
            "Bobruisk",
        ),
    ],
}
# The news feed names the 6th edition's winners: crisis psychology courses for transplant surgeons, a
# free creative space on a terrace in the heart of Minsk, an online course for teachers and parents of
# children with autism, and a flat-mate finder (see demo.awards).
SIXTH = {
    ("Help and care", "Дапамога і клопат", "Помощь и забота"): [
        (
            CRISIS_PSYCHOLOGY,
            "Как говорить с родственниками донора и с пациентами из листа ожидания: курс кризисной "
            "психологии для хирургов-трансплантологов.",
            "Minsk",
        ),
        (
            "Школа волонтёров хосписа",
            "Обучение волонтёров хосписа: уход, общение с пациентами и их семьями, как не выгореть.",
            "Mogilev",
        ),
        (
            "Не адны: наведванні адзінокіх пажылых людзей",
            "Валанцёры з Оршы раз на тыдзень наведваюць адзінокіх пажылых людзей: размова, дапамога па "
            "гаспадарцы, пакупкі.",
            "Orsha",
        ),
        (
            "Телефон поддержки для родственников людей с деменцией",
            "Консультации по телефону и встречи для тех, кто ухаживает за близким с деменцией.",
            "Baranovichi",
        ),
    ],
    ("City and community", "Горад і супольнасць", "Город и сообщество"): [
        (
            TERRACE,
            "Открытая терраса в центре Минска, где можно бесплатно провести выставку, лекцию или "
            "концерт, а в другие дни просто поработать.",
            "Minsk",
        ),
        (
            FLATMATE,
            "Анкеты, проверенные профили и подбор по привычкам: сервис помогает найти хорошего соседа, "
            "чтобы снимать квартиру вместе.",
            "Minsk",
        ),
        (
            TOOL_LIBRARY,
            "Дрыль, драбіна ці газонакасілка на час: жыхары Уручча дзеляцца інструментамі праз агульную "
            "бібліятэку.",
            "Minsk",
        ),
        (
            "Кино во дворе",
            "Летние кинопоказы во дворах Борисова: экран, проектор и обсуждение после фильма.",
            "Borisov",
        ),
    ],
    ("Education", "Адукацыя", "Образование"): [
        (
            AUTISM_COURSE,
            "Видеоуроки и задания о том, как учить и поддерживать ребёнка с аутизмом дома и в школе.",
            "Minsk",
        ),
        (
            "Клуб программирования для девочек из районных городов",
            "Бесплатные занятия по программированию для школьниц Молодечно и соседних районов.",
            "Molodechno",
        ),
        (
            "Финансовая грамотность для пенсионеров",
            "Как распознать мошенников, пользоваться банковской карточкой и планировать бюджет: занятия "
            "для пенсионеров Солигорска.",
            "Soligorsk",
        ),
        (
            "Моўная кавярня",
            "Раз на тыдзень у Гродне — вечар размоваў па-беларуску для ўсіх, хто хоча загаварыць на мове.",
            "Grodno",
        ),
    ],
}
SEVENTH = {
    ("Local communities", "Мясцовыя супольнасці", "Местные сообщества"): [
        (
            HODOSY_BRAND,
            "Жители Ходосов придумывают бренд своего агрогородка и проводят первый фестиваль, чтобы о нём "
            "узнали соседи и туристы.",
            "Hodosy",
        ),
        (
            "Супольны агарод у Мсціславе",
            "Агульныя грады ў двары шматпавярховіка: суседзі разам вырошчваюць гародніну і знаёмяцца.",
            "Mstislavl",
        ),
        (
            "Доступный центр Полоцка",
            "Пандусы и пониженные бордюры в историческом центре Полоцка, чтобы по нему можно было проехать "
            "на коляске.",
            "Polotsk",
        ),
    ],
    ("Social innovation", "Сацыяльныя інавацыі", "Социальные инновации"): [
        (
            "Карта доступных мест Гомеля",
            "Онлайн-карта кафе, магазинов и учреждений Гомеля с отметками о пандусах, лифтах и доступных "
            "туалетах.",
            "Gomel",
        ),
        (
            "Ремонт-кафе: чиним технику вместе",
            "Раз в месяц мастера-волонтёры в Витебске помогают жителям починить чайник, утюг или "
            "велосипед, чтобы не выбрасывать их.",
            "Vitebsk",
        ),
        (
            "Наставничество для молодых предпринимательниц",
            "Опытные предпринимательницы Бреста помогают молодым женщинам начать своё дело: встречи раз в "
            "месяц и бизнес-план за полгода.",
            "Brest",
        ),
    ],
}


def at(y, m, d, h=12):
    return dt.datetime(y, m, d, h, tzinfo=MINSK)


def _voters(n: int) -> list[User]:
    users = []
    for i in range(n):
        email = f"voter{i:03}@demo.invalid"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=None)
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            Person.objects.create(
                user=user, display_name=f"Voter {i:03}", email=email, source=Person.Source.SELF
            )
        users.append(user)
    return users


def _edition(*, actor, contest, year, titles, stages, projects, submitter, voters, rng, votes_per_category=1):
    """``titles`` are the edition's (en, be, ru) titles; ``projects`` as FOURTH."""
    edition = Edition.objects.filter(contest=contest, year=year).first()
    if edition is not None:
        return edition
    title_en, title_be, title_ru = titles
    edition = contest_services.create_edition(
        actor=actor, contest=contest, year=year, title_en=title_en, title_be=title_be, title_ru=title_ru
    )
    for kind, (start, end) in stages.items():
        contest_services.create_stage(actor=actor, edition=edition, kind=kind, starts_at=start, ends_at=end)
    call_time = stages[K.CALL][0] + dt.timedelta(days=1)
    vote_stage = edition.stages.get(kind=K.PUBLIC_VOTE)
    voting_services.update_rules(
        actor=actor, stage=vote_stage, votes_per_category=votes_per_category, now=stages[K.CALL][0]
    )
    all_projects = []
    places = {s.name_en: s for s in Settlement.objects.all()}
    communities = {c.name_en: c for c in Community.objects.filter(name_en__in=COMMUNITY_OF.values())}
    categories = [
        (
            contest_services.create_category(
                actor=actor, edition=edition, title_en=cat_en, title_be=cat_be, title_ru=cat_ru
            ),
            entries,
        )
        for (cat_en, cat_be, cat_ru), entries in projects.items()
    ]
    # New editions are drafts; the organisers publish this one before its call for projects opens.
    contest_services.publish_edition(actor=actor, edition=edition, now=stages[K.CALL][0])
    for category, entries in categories:
        for title, summary, place in entries:
            project = contest_services.create_draft(
                user=submitter, category=category, title=title, summary=summary, now=call_time
            )
            project = contest_services.update_draft(
                user=submitter,
                project=project,
                settlement=places[place],
                community=communities.get(COMMUNITY_OF.get(title)),
                now=call_time,
            )
            project = contest_services.submit_project(user=submitter, project=project, now=call_time)
            project = contest_services.screen_project(actor=actor, project=project, eligible=True)
            all_projects.append(project)
    vote_start, vote_end = stages[K.PUBLIC_VOTE]
    now = timezone.now()
    if vote_start < now:
        vote_time = min(vote_start + dt.timedelta(hours=2), now)
        for user in voters:
            by_category = {}
            for project in all_projects:
                by_category.setdefault(project.category_id, []).append(project)
            for options in by_category.values():
                # Popularity differs, as in a real vote: earlier projects in a category get more votes.
                weights = [len(options) - i for i in range(len(options))]
                choice = rng.choices(options, weights=weights)[0]
                voting_services.cast_vote(user=user, project=choice, now=vote_time)
    return edition


@transaction.atomic
def load(*, admin_user, orgs: dict) -> None:
    if Contest.objects.filter(slug="social-weekend").exists():
        return
    rng = random.Random(2015)
    contest = contest_services.create_contest(
        actor=admin_user,
        organisation=orgs["social-weekend"],
        title_en="Social Weekend",
        title_be="Social Weekend — конкурс сацыяльных праектаў",
        title_ru="Social Weekend — конкурс социальных проектов",
    )
    submitter = User.objects.get(email="citizen@hramada.local")
    voters = _voters(60)
    _edition(
        actor=admin_user,
        contest=contest,
        year=2014,
        titles=(
            "4th Social Weekend, 2014",
            "Чацвёрты Social Weekend, 2014",
            "Четвёртый Social Weekend, 2014",
        ),
        projects=FOURTH,
        submitter=submitter,
        voters=voters[:40],
        rng=rng,
        stages={
            K.CALL: (at(2013, 12, 1), at(2014, 1, 31)),
            K.SCREENING: (at(2014, 2, 1), at(2014, 2, 10)),
            K.PUBLIC_VOTE: (at(2014, 2, 11), at(2014, 2, 28)),
            K.EXPERT_REVIEW: (at(2014, 3, 1), at(2014, 3, 15)),
            K.FINAL: (at(2014, 3, 21, 10), at(2014, 3, 21, 20)),
            K.RESULTS: (at(2014, 3, 22), at(2014, 12, 31)),
        },
    )
    _edition(
        actor=admin_user,
        contest=contest,
        year=2015,
        titles=("6th Social Weekend, 2015", "Шосты Social Weekend, 2015", "Шестой Social Weekend, 2015"),
        projects=SIXTH,
        submitter=submitter,
        voters=voters,
        rng=rng,
        votes_per_category=2,
        stages={
            K.CALL: (at(2015, 8, 1), at(2015, 9, 30)),
            K.SCREENING: (at(2015, 10, 1), at(2015, 10, 10)),
            K.PUBLIC_VOTE: (at(2015, 10, 11), at(2015, 10, 31)),
            K.EXPERT_REVIEW: (at(2015, 11, 1), at(2015, 11, 15)),
            K.FINAL: (at(2015, 11, 21, 10), at(2015, 11, 21, 20)),
            K.RESULTS: (at(2015, 11, 22), at(2016, 11, 21)),
        },
    )
    # The next edition: the public vote is open now, so a visitor can try it (log in as the citizen).
    today = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    _edition(
        actor=admin_user,
        contest=contest,
        year=today.year,
        titles=(
            f"7th Social Weekend, {today.year}",
            f"Сёмы Social Weekend, {today.year}",
            f"Седьмой Social Weekend, {today.year}",
        ),
        projects=SEVENTH,
        submitter=submitter,
        voters=voters[:25],
        rng=rng,
        stages={
            K.CALL: (today - dt.timedelta(days=60), today - dt.timedelta(days=20)),
            K.SCREENING: (today - dt.timedelta(days=19), today - dt.timedelta(days=8)),
            K.PUBLIC_VOTE: (today - dt.timedelta(days=7), today + dt.timedelta(days=60)),
            K.EXPERT_REVIEW: (today + dt.timedelta(days=61), today + dt.timedelta(days=75)),
            K.FINAL: (today + dt.timedelta(days=80), today + dt.timedelta(days=80, hours=8)),
            K.RESULTS: (today + dt.timedelta(days=81), today + dt.timedelta(days=365)),
        },
    )

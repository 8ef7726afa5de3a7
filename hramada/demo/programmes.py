"""Demo programmes for ``load_demo``, as the news feed tells them (see docs/demo.md).

"Leadership in Local Communities" of the Office for European Expertise and Communications: about 50
local leaders over three years. The 2014 and 2015 cohorts (ten leaders each, entered from the paper
lists) completed it; Marina Alekseenko (Bashni) and Aleksandr Semenov (Hodosy) were in 2015 and wrote
their communities' needs assessments and action plans. The 2016 cohort went through Hramada from the
call on: applications from 26 communities in the six oblasts and Minsk, eligibility screening, a review
by three experts, a selection under rules (at most two per community, two per region, half women),
frozen and decided, 30 places confirmed, sessions from October with attendance, completion and
certificates. A 2027 cohort's call is open now, for visitors to apply.

"Empowered Women for Social Integration": the same office leads it with partners in Armenia, Belarus
(the Interakcia Foundation, so manager@hramada.local sees Belarusian participants only) and Moldova,
with women, some with disabilities, learning rural entrepreneurship.

Everything goes through the services with the dates of the time. Call ``load(admin_user=..., orgs=...)``
after ``demo.awards.load`` (its experts review the applications). Loading twice adds nothing.
"""

import datetime as dt
import random
import zoneinfo

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from hramada.demo.awards import demo_users, rubric_for, score_round
from hramada.demo.names import FIRST, LAST_F, LAST_M
from hramada.events import services as events
from hramada.orgs import services as org_services
from hramada.orgs.models import Organisation
from hramada.people import services as people_services
from hramada.people.models import Disability, Gender, Person, User
from hramada.places import services as place_services
from hramada.places.models import Community, Country, Settlement
from hramada.programmes import calls, community_work, decisions, delivery
from hramada.programmes.models import Application, Programme
from hramada.questions.services import save_question

MINSK = zoneinfo.ZoneInfo("Europe/Minsk")
SLUG = "leadership"


def at(y, m, d, h=12):
    return dt.datetime(y, m, d, h, tzinfo=MINSK)


LEADERSHIP = {
    "title_en": "Leadership in Local Communities",
    "title_be": "Лідарства ў мясцовых супольнасцях",
    "title_ru": "Лидерство в местных сообществах",
    "summary_en": "Active people learn to identify their community's needs, plan joint actions, find "
    "resources and mobilise residents.",
    "summary_be": "Актыўныя людзі вучацца выяўляць патрэбы сваёй супольнасці, планаваць сумесныя дзеянні, "
    "знаходзіць рэсурсы і мабілізаваць жыхароў.",
    "summary_ru": "Активные люди учатся выявлять потребности своего сообщества, планировать совместные "
    "действия, находить ресурсы и мобилизовать жителей.",
    "description_en": "A chance for active, initiative people to change their lives and the lives of their "
    "communities for the better. Sessions on what a local community is and how to assess its needs, "
    "meetings with experts and practitioners who work in and with communities, a mentor for each "
    "participant, and an action plan written with the residents.",
    "description_be": "Шанец для актыўных, ініцыятыўных людзей змяніць да лепшага сваё жыццё і жыццё сваіх "
    "супольнасцяў. Сесіі пра тое, што такое мясцовая супольнасць і як ацаніць яе патрэбы, сустрэчы з "
    "экспертамі і практыкамі, якія працуюць у супольнасцях, ментар для кожнага ўдзельніка і план дзеянняў, "
    "напісаны разам з жыхарамі.",
    "description_ru": "Шанс для активных, инициативных людей изменить к лучшему свою жизнь и жизнь своих "
    "сообществ. Сессии о том, что такое местное сообщество и как оценить его потребности, встречи с "
    "экспертами и практиками, работающими в сообществах, ментор для каждого участника и план действий, "
    "написанный вместе с жителями.",
}

EMPOWERED = {
    "title_en": "Empowered Women for Social Integration",
    "title_be": "Моцныя жанчыны дзеля сацыяльнай інтэграцыі",
    "title_ru": "Сильные женщины для социальной интеграции",
    "summary_en": "Women, including women with disabilities, in rural entrepreneurship in Armenia, Belarus "
    "and Moldova.",
    "summary_be": "Жанчыны, у тым ліку жанчыны з інваліднасцю, у сельскім прадпрымальніцтве Арменіі, "
    "Беларусі і Малдовы.",
    "summary_ru": "Женщины, в том числе женщины с инвалидностью, в сельском предпринимательстве Армении, "
    "Беларуси и Молдовы.",
    "description_en": "The project tackles the social integration of women by engaging them in "
    "entrepreneurship, helping them gain new skills and reveal their potential in business management, "
    "so that they bring change to society and develop the business environment of rural communities.",
    "description_be": "Праект вырашае задачу сацыяльнай інтэграцыі жанчын праз прадпрымальніцтва: дапамагае "
    "ім атрымаць новыя навыкі і раскрыць свой патэнцыял у кіраванні бізнесам, каб яны змянялі грамадства і "
    "развівалі бізнес-асяроддзе сельскіх супольнасцяў.",
    "description_ru": "Проект решает задачу социальной интеграции женщин через предпринимательство: помогает "
    "им получить новые навыки и раскрыть свой потенциал в управлении бизнесом, чтобы они меняли общество и "
    "развивали бизнес-среду сельских сообществ.",
}

# (slug, year, start, end, call opens, call closes, titles en/be/ru)
LEADERSHIP_COHORTS = [
    ("2014", 2014, dt.date(2014, 10, 1), dt.date(2015, 5, 31), None, None),
    ("2015", 2015, dt.date(2015, 10, 1), dt.date(2016, 5, 31), None, None),
    ("2016", 2016, dt.date(2016, 10, 7), dt.date(2017, 5, 31), at(2016, 6, 1), at(2016, 8, 31, 23)),
]
COHORT_TITLES = ("Cohort {}", "Набор {}", "Набор {}")

# Sessions of every cohort: (month offset from the start, day, titles en/be/ru)
SESSIONS = [
    (
        0,
        8,
        (
            "What is a local community and how to assess its needs",
            "Што такое мясцовая супольнасць і як ацаніць яе патрэбы",
            "Что такое местное сообщество и как оценить его потребности",
        ),
    ),
    (
        2,
        10,
        (
            "Planning joint actions with residents",
            "Планаванне сумесных дзеянняў з жыхарамі",
            "Планирование совместных действий с жителями",
        ),
    ),
    (
        4,
        12,
        (
            "Finding resources: partners, authorities, contests",
            "Пошук рэсурсаў: партнёры, улады, конкурсы",
            "Поиск ресурсов: партнёры, власти, конкурсы",
        ),
    ),
    (
        6,
        14,
        (
            "Mobilising residents and telling the community's story",
            "Мабілізацыя жыхароў і гісторыя супольнасці",
            "Мобилизация жителей и история сообщества",
        ),
    ),
]

# The application form of the 2016 call (the team wrote it in Russian, as the contest's rubrics).
QUESTIONS = [
    {"kind": "long_text", "label": "Что вы хотите изменить в своём сообществе?", "required": True},
    {"kind": "long_text", "label": "Что вы уже сделали вместе с жителями?", "required": False},
    {
        "kind": "choice",
        "label": "Как вы узнали о программе?",
        "required": False,
        "choices": "От знакомых\nВ социальных сетях\nНа форуме «Мартовские встречи»\nДругое",
    },
    {
        "kind": "consent",
        "label": "Я смогу участвовать во всех сессиях программы (октябрь — май).",
        "required": False,
    },
]
ANSWERS = [
    "Детская площадка во дворе и спортивная секция для подростков.",
    "Чтобы жители сами решали, как использовать пустующий клуб.",
    "Общественный транспорт до районного центра по выходным.",
    "Чистый берег реки и место для отдыха.",
    "Кружки для пожилых людей, которые живут одни.",
]
REVIEW_RUBRIC = [
    {
        "title": "Мотивация и связь с сообществом",
        "description": "Кандидат знает своё сообщество и хочет работать с жителями.",
        "weight": 2,
        "scale_min": 0,
        "scale_max": 10,
    },
    {
        "title": "Опыт инициатив",
        "description": "Что уже сделано вместе с людьми.",
        "weight": 1,
        "scale_min": 0,
        "scale_max": 10,
    },
]

# Communities of the 2016 cohort beyond those load_demo makes: settlements of every oblast.
COHORT_2016_SETTLEMENTS = [
    "Mstislavl",
    "Polotsk",
    "Pinsk",
    "Hodosy",
    "Bashni",
]
# The four communities with more applicants than places (two per community at most).
CROWDED = 4


def _community(settlement: Settlement) -> Community:
    found = Community.objects.filter(settlement=settlement).order_by("id").first()
    if found is not None:
        return found
    return place_services.save_community(
        actor=None,
        settlement=settlement,
        name_en=f"Local community of {settlement.name_en}",
        name_be=f"Мясцовая супольнасць: {settlement.name_be}",
        name_ru=f"Местное сообщество: {settlement.name_ru}",
        summary_en="Residents who met through the Leadership in Local Communities programme.",
        summary_be="Жыхары, якія пазнаёміліся праз праграму «Лідарства ў мясцовых супольнасцях».",
        summary_ru="Жители, которые познакомились благодаря программе «Лидерство в местных сообществах».",
    )


def _cohort_communities() -> list[Community]:
    """26 communities: at least two per region of Belarus (six oblasts and Minsk)."""
    chosen = [Settlement.objects.get(name_en=name) for name in COHORT_2016_SETTLEMENTS]
    by_region: dict[int, list[Settlement]] = {}
    for s in Settlement.objects.filter(region__country__code="BY").order_by("name_en"):
        by_region.setdefault(s.region_id, []).append(s)
    for settlements in by_region.values():  # two per region first, then fill up
        for s in settlements:
            if sum(c.region_id == s.region_id for c in chosen) >= 2:
                break
            if s not in chosen:
                chosen.append(s)
    for s in (s for group in by_region.values() for s in group):
        if len(chosen) >= 26:
            break
        if s not in chosen:
            chosen.append(s)
    return [_community(s) for s in chosen[:26]]


def _name(rng, woman: bool, taken: set) -> str:
    """A name nobody in the demo has yet; once the plain combinations run out, with a middle initial."""
    first_names = FIRST[:12] if woman else FIRST[12:]
    last_names = LAST_F if woman else LAST_M
    for attempt in range(1000):
        first, last = rng.choice(first_names), rng.choice(last_names)
        name = f"{first} {last}" if attempt < 30 else f"{first} {rng.choice('ABDHIKMPSTUVZ')}. {last}"
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("demo: no free name left")


def _consent(person, actor, **values):
    for field, value in values.items():
        people_services.set_sensitive_field(
            person=person, actor=actor, field=field, value=value, consent=True
        )


def _cohort(actor, programme, slug, year, starts, ends, opens, closes, *, requires_plan=True):
    cohort = programme.cohorts.filter(slug=slug).first()
    if cohort is not None:
        return cohort, False
    label = str(starts.year) if ends.year == starts.year else f"{starts.year}–{ends.year}"
    cohort = calls.create_cohort(
        actor=actor,
        programme=programme,
        slug=slug,
        **{
            f"title_{lang}": t.format(label)
            for lang, t in zip(("en", "be", "ru"), COHORT_TITLES, strict=True)
        },
        year=year,
        starts_on=starts,
        ends_on=ends,
        call_opens_at=opens,
        call_closes_at=closes,
        min_attendance_percent=75,
        requires_action_plan=requires_plan,
    )
    calls.publish_cohort(actor=actor, cohort=cohort, now=opens or at(year, 9, 1))
    return cohort, True


def _sessions(actor, cohort, participants, rng, *, absent=0.12, sessions=SESSIONS):
    """The cohort's sessions as events of the organisation, everyone registered, most checked in."""
    for n, (months, day, (en, be, ru)) in enumerate(sessions):
        month = cohort.starts_on.month + months
        starts = at(cohort.starts_on.year + (month - 1) // 12, (month - 1) % 12 + 1, day, 10)
        event = events.save_event(
            actor=actor,
            organisation=cohort.programme.organisation,
            status="published",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=7),
            registration_mode="invitation",
            title_en=f"{cohort.programme.title_en}: {en}",
            title_be=f"{cohort.programme.title_be}: {be}",
            title_ru=f"{cohort.programme.title_ru}: {ru}",
            venue_en="Minsk",
            venue_be="Мінск",
            venue_ru="Минск",
        )
        cohort_session = delivery.add_session(actor=actor, cohort=cohort, event=event, order=n)
        delivery.register_participants(actor=actor, cohort_session=cohort_session)
        for i, participant in enumerate(participants):
            if rng.random() < absent:
                continue
            registration = participant.person.registrations.get(event=event)
            events.check_in(
                actor=actor,
                event=event,
                ticket_code=registration.ticket_code,
                client_id=f"demo-programme-{registration.public_id}",
                at=starts + dt.timedelta(minutes=2 + i % 20),
            )


def _plan(user, participant, *, assessment_title, needs, plan_title, goals, activities, resources):
    """A participant's needs assessment (public), its needs and a submitted public action plan."""
    assessment = community_work.create_assessment(
        actor=user,
        participant=participant,
        title=assessment_title,
        summary=needs[0][1],
        how_residents_were_asked="Опрос жителей и встреча в клубе.",
        is_public=True,
    )
    saved = [
        community_work.save_need(actor=user, assessment=assessment, title=title, who_is_affected=who)
        for title, who in needs
    ]
    plan = community_work.create_plan(
        actor=user,
        participant=participant,
        needs=saved[:2],
        title=plan_title,
        goals=goals,
        assessment=assessment,
        residents_involved=40,
        volunteers_involved=12,
        is_public=True,
    )
    for title, starts in activities:
        community_work.save_activity(actor=user, plan=plan, title=title, starts_on=starts)
    for kind, source, description, amount in resources:
        community_work.add_resource(
            actor=user,
            plan=plan,
            kind=kind,
            source=source,
            description=description,
            amount=amount,
            currency="BYN" if amount else "",
        )
    community_work.submit_plan(actor=user, plan=plan)
    # A plan of a past cohort was handed in as it ended, not on the day the demo is loaded (the community
    # timeline dates it by its submission).
    ends = participant.cohort.ends_on
    if ends < timezone.localdate():
        handed_in = dt.datetime.combine(ends, dt.time(12), tzinfo=dt.UTC)
        type(plan).objects.filter(pk=plan.pk).update(submitted_at=handed_in)
    return assessment, saved


def _ensure_user(person: Person, email: str) -> User:
    """A login without a password (the person sets one by resetting it) for someone entered by hand."""
    if person.user_id:
        return person.user
    user = User.objects.create_user(email=email, password=None)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    person.user = user
    person.save(update_fields=["user"])
    return user


def _paper_cohort(actor, programme, spec, rng, taken, leaders=()):
    """A cohort from before online calls: ten participants entered by hand from the paper list, four
    sessions with attendance. Its completion rule then was attendance only. ``None`` if it exists."""
    cohort, new = _cohort(actor, programme, *spec, requires_plan=False)
    if not new:
        return None
    communities = list(Community.objects.filter(settlement__region__country__code="BY").order_by("id"))
    participants = [
        delivery.add_participant(actor=actor, cohort=cohort, person=person, community=community)
        for person, community in leaders
    ]
    while len(participants) < 10:
        woman = rng.random() < 0.7
        person = people_services.create_person(actor=None, display_name=_name(rng, woman, taken))
        _consent(person, actor, gender=Gender.WOMAN if woman else Gender.MAN)
        community = communities[len(participants) % len(communities)]
        participants.append(
            delivery.add_participant(actor=actor, cohort=cohort, person=person, community=community)
        )
    _sessions(actor, cohort, participants, rng, absent=0.05)
    return cohort, participants


def _finish(actor, cohort):
    delivery.mark_completed(actor=actor, cohort=cohort)
    delivery.issue_certificates(actor=actor, cohort=cohort)


BASHNI = {
    "assessment_title": "Башни: чего не хватает детям и молодёжи",
    "needs": [
        ("Детям негде заниматься спортом", "дети и подростки"),
        ("Молодёжь уезжает: в деревне нечем заняться", "молодёжь"),
        ("Деревню никто не знает за пределами района", "все жители"),
    ],
    "plan_title": "Башни — сила воли и сила духа",
    "goals": "Привлечь детей к спорту и физкультуре: спортивная площадка, секции, праздники; сделать "
    "спорт брендом деревни.",
    "activities": [("Спортивный праздник для детей", dt.date(2016, 6, 1))],
    "resources": [
        ("money", "contest", "Приз RealtBy на конкурсе Social Weekend", 2000),
        ("skills", "residents", "Тренеры-волонтёры из жителей", None),
    ],
}
HODOSY = {
    "assessment_title": "Ходосы: бренд агрогородка",
    "needs": [
        ("Нет общего символа и истории агрогородка", "все жители"),
        ("Туристы проезжают мимо", "предприниматели и мастера"),
    ],
    "plan_title": "Бренд Ходосов",
    "goals": "Собрать историю агрогородка вместе с жителями, сделать знак и праздник, которые узнают "
    "в районе.",
    "activities": [("Вечер воспоминаний в клубе", dt.date(2016, 3, 12))],
    "resources": [("venue", "authority", "Зал агрогородка от сельсовета", None)],
}


def _leadership_history(actor, programme, rng, taken):
    """The 2014 and 2015 cohorts; the 2015 one with Bashni's and Hodosy's leaders and their plans."""
    _finish_if_made(actor, _paper_cohort(actor, programme, LEADERSHIP_COHORTS[0], rng, taken))
    marina = Person.objects.get(user__email="citizen@hramada.local")
    semenov = Person.objects.get(display_name="Aleksandr Semenov")
    leaders = [
        (marina, Community.objects.get(settlement__name_en="Bashni")),
        (semenov, Community.objects.get(settlement__name_en="Hodosy")),
    ]
    made = _paper_cohort(actor, programme, LEADERSHIP_COHORTS[1], rng, taken, leaders=leaders)
    if made is not None:
        _cohort_, participants = made
        _survey_ranking(_plan(marina.user, participants[0], **BASHNI), residents=23, rng=rng)
        _plan(_ensure_user(semenov, "semenov@demo.invalid"), participants[1], **HODOSY)
        for user, works_on in ((marina.user, BASHNI["plan_title"]), (semenov.user, HODOSY["plan_title"])):
            community_work.save_alumni_profile(actor=user, listed=True, works_on=works_on)
    _finish_if_made(actor, made)


def _finish_if_made(actor, made):
    if made is not None:
        _finish(actor, made[0])


def _survey_ranking(made, *, residents, rng):
    """Residents' answers to the needs survey: each ranks the needs (no login, as on /s/<token>/)."""
    assessment, needs = made
    user = assessment.participant.person.user
    community_work.open_survey(actor=user, assessment=assessment)
    for i in range(residents):
        order = sorted(needs, key=lambda n: rng.random() + (0.5 if n == needs[0] else 0))
        community_work.answer_survey(
            assessment=assessment,
            answers={},
            ranking={n: rank for rank, n in enumerate(reversed(order), start=1)},
            network_key=f"demo-{i}",
        )
    community_work.close_survey(actor=user, assessment=assessment)


def _attendance_rule(actor, cohort, question, **reasons):
    """The rule that screens out those who cannot attend; the service takes its reason in one language,
    the demo fills all three."""
    rule = calls.add_eligibility_rule(
        actor=actor, cohort=cohort, question=question, test="checked", reason=reasons["en"]
    )
    for lang, text in reasons.items():
        setattr(rule, f"reason_{lang}", text)
    rule.save()


def _application_form(cohort):
    form = cohort.application_form
    if form.questions.exists():
        return list(form.questions.order_by("order", "id"))
    return [save_question(actor=None, form=form, **q) for q in QUESTIONS]


def _leadership_2016(actor, programme, rng, taken, experts):
    """The cohort selected on Hramada: call, screening, review, rules, proposal, freeze, decisions."""
    cohort, new = _cohort(actor, programme, *LEADERSHIP_COHORTS[2])
    if not new:
        return
    what, done, heard, can_attend = _application_form(cohort)
    _attendance_rule(
        actor,
        cohort,
        can_attend,
        en="Can attend every session of the programme (October to May).",
        be="Можа ўдзельнічаць ва ўсіх сесіях праграмы (з кастрычніка па май).",
        ru="Может участвовать во всех сессиях программы (с октября по май).",
    )
    communities = _cohort_communities()
    # 22 communities with one applicant, four with four each (only two of them can get in), two who
    # cannot come to every session (screened out), and two drafts never sent.
    plan = [(c, 1) for c in communities[CROWDED:]] + [(c, 4) for c in communities[:CROWDED]]
    specs = [(c, True) for c, n in plan for _ in range(n)] + [
        (communities[5], False),
        (communities[9], False),
    ]
    rng.shuffle(specs)
    names = [_name(rng, rng.random() < 0.68, taken) for _ in range(len(specs) + 2)]
    users = demo_users("leader2016-", names)
    call_day = cohort.call_opens_at
    for i, (user, (community, eligible)) in enumerate(zip(users, specs, strict=False)):
        person = user.person
        person.home_settlement = community.settlement
        person.save(update_fields=["home_settlement"])
        woman = person.display_name.split()[0] in FIRST[:12]
        if rng.random() < 0.85:
            _consent(person, actor, gender=Gender.WOMAN if woman else Gender.MAN)
        if rng.random() < 0.1:
            _consent(person, actor, disability=Disability.YES)
        application = calls.start_application(user=user, cohort=cohort, now=call_day + dt.timedelta(days=i))
        calls.save_draft(
            user=user,
            application=application,
            community=community,
            answers={
                what: ANSWERS[i % len(ANSWERS)],
                done: "Субботники и праздник улицы." if i % 3 else "",
                heard: i % 4,
                can_attend: eligible,
            },
        )
        calls.submit_application(
            user=user, application=application, now=call_day + dt.timedelta(days=i, hours=2)
        )
    for user in users[len(specs) :]:  # started, never sent
        calls.start_application(user=user, cohort=cohort, now=call_day + dt.timedelta(days=40))
    rubric = rubric_for(actor, programme.organisation, "Лидерство: отбор участников", REVIEW_RUBRIC)
    round_ = calls.start_review(
        actor=actor, cohort=cohort, rubric=rubric, reviews_per_item=2, now=at(2016, 9, 1)
    )
    cohort.refresh_from_db()  # start_review saved the round on its own copy of the cohort
    score_round(actor, round_, experts[:3], rng, {experts[0].email: -0.15, experts[2].email: 0.1})
    decisions.save_rules(
        actor=actor,
        cohort=cohort,
        cohort_size=30,
        min_per_region=2,
        max_per_community=2,
        min_women_percent=50,
        waitlist_size=5,
    )
    proposal = decisions.propose(actor=actor, cohort=cohort).proposal
    if proposal["status"] not in ("optimal", "feasible"):
        raise RuntimeError(f"demo selection: {proposal['status']} {proposal.get('conflict')}")
    decisions.freeze(actor=actor, cohort=cohort, now=at(2016, 9, 12))
    decisions.decide(actor=actor, cohort=cohort, now=at(2016, 9, 12, 15))
    participants = []
    accepted = cohort.applications.filter(status=Application.Status.ACCEPTED)
    for application in accepted.select_related("person__user").order_by("id"):
        participants.append(decisions.confirm_place(actor=application.person.user, application=application))
    mentors = [delivery.add_mentor(actor=actor, cohort=cohort, person=u.person) for u in experts[3:5]]
    for i, participant in enumerate(participants):
        delivery.assign_mentor(actor=actor, participant=participant, mentor=mentors[i % len(mentors)])
    _sessions(actor, cohort, participants, rng)
    for participant in participants[:24]:
        user = participant.person.user
        place = participant.community.settlement.name_ru
        _plan(
            user,
            participant,
            assessment_title=f"Потребности: {place}",
            needs=[
                (ANSWERS[participant.pk % len(ANSWERS)].rstrip("."), "жители"),
                ("Место для встреч", "все"),
            ],
            plan_title=f"План действий: {place}",
            goals=ANSWERS[participant.pk % len(ANSWERS)],
            activities=[("Встреча жителей", dt.date(2017, 2, 1))],
            resources=[("skills", "residents", "Волонтёры из жителей", None)],
        )
    delivery.mark_left(actor=actor, participant=participants[-1])
    _finish(actor, cohort)


def _open_call(actor, programme):
    """The 2027 cohort, its call open now: anyone signed in can apply."""
    now = timezone.now()
    year = timezone.localdate(now).year + 1
    if programme.cohorts.filter(year=year).exists():
        return
    cohort, _new = _cohort(
        actor,
        programme,
        str(year),
        year,
        dt.date(year, 1, 20),
        dt.date(year, 11, 30),
        now - dt.timedelta(days=7),
        now + dt.timedelta(days=30),
    )
    _what, _done, _heard, can_attend = _application_form(cohort)
    _attendance_rule(
        actor,
        cohort,
        can_attend,
        en="Can attend every session of the programme.",
        be="Можа ўдзельнічаць ва ўсіх сесіях праграмы.",
        ru="Может участвовать во всех сессиях программы.",
    )


# --- Empowered Women --------------------------------------------------------------------------------

PARTNER_ORGS = [
    {
        "slug": "women-resource-centre-armenia",
        "country": "AM",
        "name_en": "Women's Resource Centre (Armenia)",
        "name_be": "Жаночы рэсурсны цэнтр (Арменія)",
        "name_ru": "Женский ресурсный центр (Армения)",
    },
    {
        "slug": "rural-women-moldova",
        "country": "MD",
        "name_en": "Association of Rural Women (Moldova)",
        "name_be": "Асацыяцыя сельскіх жанчын (Малдова)",
        "name_ru": "Ассоциация сельских женщин (Молдова)",
    },
]
# Settlements in Armenia and Moldova (region code, English, Belarusian, Russian, latitude, longitude).
ABROAD = """region_code,district_en,district_be,district_ru,name_en,name_be,name_ru,kind,latitude,longitude
AM-SH,,,,Artik,Арцік,Артик,town,40.61720,43.97580
AM-TV,,,,Dilijan,Дыліжан,Дилижан,town,40.74170,44.86390
MD-CA,,,,Cahul,Кагул,Кагул,town,45.90750,28.19440
MD-UN,,,,Ungheni,Унгены,Унгены,town,47.21080,27.80080
"""
WOMEN = {
    "AM": ["Anahit Grigoryan", "Lusine Petrosyan", "Mariam Hakobyan", "Narine Sargsyan"],
    "BY": ["Alena Karpovich", "Hanna Novik", "Tatsiana Zhuk", "Volha Sidarenka"],
    "MD": ["Ana Rusu", "Elena Ciobanu", "Maria Popa", "Natalia Munteanu"],
}
EMPOWERED_SESSIONS = [
    (0, 15, ("Starting a rural business", "Як пачаць справу на вёсцы", "Как начать своё дело на селе")),
    (1, 19, ("Money, prices and sales", "Грошы, цэны і продажы", "Деньги, цены и продажи")),
]


def _empowered(actor, orgs, rng):
    oeec = orgs["oeec"]
    if Programme.objects.filter(slug="empowered-women").exists():
        return
    text = ABROAD
    if Settlement.objects.filter(name_en__in=["Artik", "Cahul"]).count() < 2:
        report = place_services.import_settlements(actor=None, text=text)
        if report.errors:
            raise RuntimeError(f"demo settlements abroad: {report.errors}")
    programme = calls.create_programme(actor=actor, organisation=oeec, slug="empowered-women", **EMPOWERED)
    partners = {"BY": orgs["interakcia"]}
    for spec in PARTNER_ORGS:
        spec = dict(spec)
        slug, code = spec.pop("slug"), spec.pop("country")
        org = Organisation.objects.filter(slug=slug).first() or org_services.create_organisation(
            actor=None, slug=slug, kind=Organisation.Kind.NGO, country=Country.objects.get(code=code), **spec
        )
        partners[code] = org
    for code, org in partners.items():
        calls.add_partner(
            actor=actor, programme=programme, organisation=org, country=Country.objects.get(code=code)
        )
    calls.set_donors(actor=actor, programme=programme, donors=[orgs["eu-delegation"]])
    calls.publish_programme(actor=actor, programme=programme, now=at(2017, 1, 10))
    cohort, _new = _cohort(
        actor,
        programme,
        "2017",
        2017,
        dt.date(2017, 2, 1),
        dt.date(2017, 6, 30),
        None,
        None,
        requires_plan=False,
    )
    places = {
        "AM": [Settlement.objects.get(name_en=n) for n in ("Artik", "Dilijan")],
        "BY": [Settlement.objects.get(name_en=n) for n in ("Pinsk", "Mstislavl")],
        "MD": [Settlement.objects.get(name_en=n) for n in ("Cahul", "Ungheni")],
    }
    participants = []
    for code, names in WOMEN.items():
        for i, name in enumerate(names):
            person = people_services.create_person(
                actor=None, display_name=name, home_settlement=places[code][i % 2]
            )
            _consent(person, actor, gender=Gender.WOMAN)
            if i == 3:
                _consent(person, actor, disability=Disability.YES)
            community = _community(places[code][i % 2])
            participants.append(
                delivery.add_participant(actor=actor, cohort=cohort, person=person, community=community)
            )
    _sessions(actor, cohort, participants, rng, absent=0.1, sessions=EMPOWERED_SESSIONS)
    _finish(actor, cohort)


@transaction.atomic
def load(*, admin_user, orgs: dict) -> None:
    """``admin_user`` is platform staff; the services ask for a session's second factor, which a script
    has not got: it is granted on this object only."""
    admin_user.two_factor_passed = True
    rng = random.Random(2016)
    oeec = orgs["oeec"]
    programme = Programme.objects.filter(slug=SLUG).first()
    if programme is None:
        programme = calls.create_programme(actor=admin_user, organisation=oeec, slug=SLUG, **LEADERSHIP)
        calls.publish_programme(actor=admin_user, programme=programme, now=at(2014, 9, 1))
    taken = set(Person.objects.values_list("display_name", flat=True))
    experts = list(
        User.objects.filter(email__startswith="expert", email__endswith="@demo.invalid").order_by("email")
    )
    _leadership_history(admin_user, programme, rng, taken)
    _leadership_2016(admin_user, programme, rng, taken, experts)
    _open_call(admin_user, programme)
    _empowered(admin_user, orgs, rng)

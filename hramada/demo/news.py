"""Demo news: a few posts drawn from the seed's news feed (English, with Belarusian and Russian where the
NGO would have written them), linked to the demo's forum, contest, programme, initiative and villages."""

from datetime import timedelta

from django.utils import timezone

from hramada.contests.models import Edition
from hramada.events.models import Event
from hramada.initiatives.models import Initiative
from hramada.news import services
from hramada.news.models import Post
from hramada.places.models import Community
from hramada.programmes.models import Programme

POSTS = [
    {
        "texts": {
            "title_en": "March Meetings: 220 participants from 40 Belarusian locations",
            "title_be": "Сакавіцкія сустрэчы: 220 удзельнікаў з 40 мясцін Беларусі",
            "title_ru": "Мартовские встречи: 220 участников из 40 населённых пунктов Беларуси",
            "excerpt_en": "On March 4-5, in Minsk, activists took part in presentations, discussions, "
            "master classes, the Human Library and a Fuck-Up Night to share their experience of working in "
            "local communities.",
            "excerpt_be": "4–5 сакавіка ў Мінску актывісты ўдзельнічалі ў прэзентацыях, дыскусіях, "
            "майстар-класах, Жывой бібліятэцы і Fuck-Up Night, каб падзяліцца досведам працы ў мясцовых "
            "супольнасцях.",
            "excerpt_ru": "4–5 марта в Минске активисты участвовали в презентациях, дискуссиях, "
            "мастер-классах, Живой библиотеке и Fuck-Up Night, чтобы поделиться опытом работы в местных "
            "сообществах.",
            "body_en": "The civil society forum **March Meetings** brought together 220 participants from "
            "40 Belarusian locations.\n\nThe forum is planned as an annual event.",
            "body_be": "Форум грамадзянскай супольнасці **Сакавіцкія сустрэчы** сабраў 220 удзельнікаў з 40 "
            "мясцін Беларусі.\n\nФорум плануецца праводзіць штогод.",
            "body_ru": "Форум гражданского общества **Мартовские встречи** собрал 220 участников из 40 "
            "населённых пунктов Беларуси.\n\nФорум планируется проводить ежегодно.",
        },
        "tags": ["forum"],
        "links": {"events": ("march-meetings-2017",)},
        "days_ago": 40,
    },
    {
        "texts": {
            "title_en": "Social Weekend: the finals of the 6th contest of social innovations",
            "title_ru": "Social Weekend: финал 6-го конкурса социальных инноваций",
            "excerpt_en": "The finals took place at the President Hotel on November 21, 2015 in Minsk. "
            "12 social projects became finalists and received all necessary support.",
            "excerpt_ru": "Финал прошёл в отеле «Президент» 21 ноября 2015 года в Минске. 12 социальных "
            "проектов стали финалистами и получили всю необходимую поддержку.",
            "body_en": "The contest winners will start crisis psychology courses for transplant surgeons, "
            "a free creative space (a terrace) in the very heart of Minsk, and an online course for "
            "teachers and parents of children with autism. Furthermore, it will now be easier to find a "
            "good mate for flat-sharing.",
            "body_ru": "Победители конкурса откроют курсы кризисной психологии для хирургов-трансплантологов, "
            "бесплатное креативное пространство (террасу) в самом центре Минска и онлайн-курс для "
            "педагогов и родителей детей с аутизмом. А ещё теперь будет проще найти хорошего соседа по "
            "квартире.",
        },
        "tags": ["contests", "social innovation"],
        "links": {"editions": "social-weekend"},
        "days_ago": 30,
    },
    {
        "texts": {
            "title_en": "Leadership in local communities: the first session",
            "title_be": "Лідарства ў мясцовых супольнасцях: першая сесія",
            "excerpt_en": "The participants from all over Belarus gathered to find out what a local community "
            "is, how to assess its needs, and to talk with experts and practitioners.",
            "excerpt_be": "Удзельнікі з усёй Беларусі сабраліся, каб даведацца, што такое мясцовая "
            "супольнасць і як ацаніць яе патрэбы, і пагаварыць з экспертамі і практыкамі.",
            "body_en": "This year the programme united 30 participants from 26 communities. They will work "
            "in cities, towns and villages in six regions and in Minsk.\n\nThe key challenge is how to "
            "mobilise local citizens and involve them in the development of their territories.",
            "body_be": "Сёлета праграма аб'яднала 30 удзельнікаў з 26 супольнасцяў. Яны будуць працаваць у "
            "гарадах, мястэчках і вёсках шасці абласцей і Мінска.",
        },
        "tags": ["leadership"],
        "links": {"programmes": ("leadership",)},
        "days_ago": 20,
    },
    {
        "texts": {
            "title_en": "Bashni and Hodosy: how villages build their brands",
            "excerpt_en": "While the brand of Minsk is still being discussed, small communities' brands are "
            "taking shape before our very eyes: Bashni and Hodosy, where leaders of the programme continue "
            "their work.",
            "body_en": "Bashni (Shumilino district, Vitebsk region) promoted itself with the project "
            "\u201cBashni \u2014 willpower and strength of mind\u201d, which won the category \u201cWe build "
            "the world around us\u201d of the 4th Social Weekend contest.",
        },
        "tags": ["communities"],
        "links": {"communities": ("Bashni", "Hodosy"), "programmes": ("leadership",)},
        "days_ago": 10,
    },
    {
        "texts": {
            "title_en": "Sport Region: a year of sport in Mstislavl district",
            "excerpt_en": "Coaches, teachers and volunteers met expert coaches and athletes at master "
            "classes; screenings, contests, meetings with sport stars and a final marathon followed.",
            "body_en": "In February–October 2016 the Office for European Expertise and Communications ran "
            "the local initiative **Sport Region** in Mstislavl district, Mogilev region.",
        },
        "tags": ["communities"],
        "links": {"initiatives": "Sport Region"},
        "scheduled": True,  # a post the organisers scheduled for tomorrow: the demo's draft to look at
    },
]


def _links(spec: dict) -> dict:
    links = {}
    for name, value in spec.items():
        if name == "events":
            links[name] = list(Event.objects.filter(slug__in=value))
        elif name == "programmes":
            links[name] = list(Programme.objects.filter(slug__in=value))
        elif name == "communities":
            links[name] = list(Community.objects.filter(settlement__name_en__in=value, is_published=True))
        elif name == "editions":
            # The 6th Social Weekend (2015), whose finals the post is about.
            editions = Edition.objects.filter(contest__slug=value, published_at__isnull=False)
            links[name] = list(editions.filter(year=2015)[:1]) or list(editions.order_by("-year")[:1])
        elif name == "initiatives":
            links[name] = list(Initiative.objects.filter(title_en=value))
    return links


def load(*, admin_user, orgs: dict) -> None:
    if Post.objects.exists():
        return
    admin_user.two_factor_passed = True  # the demo acts as staff who passed two-factor
    now = timezone.now()
    for spec in POSTS:
        post = services.create_post(
            actor=admin_user,
            organisation=orgs["oeec"],
            texts=spec["texts"],
            tags=spec["tags"],
            links=_links(spec["links"]),
        )
        if spec.get("scheduled"):
            services.schedule_post(actor=admin_user, post=post, publish_at=now + timedelta(days=1))
        else:
            services.publish_post(actor=admin_user, post=post, now=now - timedelta(days=spec["days_ago"]))

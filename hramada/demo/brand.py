"""Demo gallery images for Bashni and Hodosy (``load_demo``): simple pictures drawn with Pillow at load time
and labelled as illustrations (the seed has no photos we may reuse). Idempotent: a community that already
has photos is left alone."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from hramada.core.images import validate_image
from hramada.places import services
from hramada.places.models import Community

PICTURES = {
    "Bashni village": [
        (
            ("#3a7d44", "#f2c14e"),
            {
                "en": "Illustration: a running track around a green field under a yellow sun",
                "be": "Ілюстрацыя: бегавая дарожка вакол зялёнага поля пад жоўтым сонцам",
                "ru": "Иллюстрация: беговая дорожка вокруг зелёного поля под жёлтым солнцем",
            },
            {"en": "The village marathon", "be": "Вясковы марафон", "ru": "Деревенский марафон"},
        ),
        (
            ("#2f5d8a", "#ffffff"),
            {
                "en": "Illustration: a blue sky with a white flag over the village",
                "be": "Ілюстрацыя: блакітнае неба з белым сцягам над вёскай",
                "ru": "Иллюстрация: голубое небо с белым флагом над деревней",
            },
            {
                "en": "Willpower and strength of mind",
                "be": "Сіла волі і сіла духу",
                "ru": "Сила воли и сила духа",
            },
        ),
    ],
    "Hodosy agro-town": [
        (
            ("#8a4f2f", "#e9d8a6"),
            {
                "en": "Illustration: a wooden stage for the festival on a sandy square",
                "be": "Ілюстрацыя: драўляная сцэна фестывалю на пясчанай плошчы",
                "ru": "Иллюстрация: деревянная сцена фестиваля на песчаной площади",
            },
            {"en": "The Hodosy festival", "be": "Фестываль у Ходасах", "ru": "Фестиваль в Ходосах"},
        ),
        (
            ("#5b8c5a", "#cfe795"),
            {
                "en": "Illustration: fields in two shades of green",
                "be": "Ілюстрацыя: палі двух адценняў зялёнага",
                "ru": "Иллюстрация: поля двух оттенков зелёного",
            },
            {
                "en": "Fields around the agro-town",
                "be": "Палі вакол аграгарадка",
                "ru": "Поля вокруг агрогородка",
            },
        ),
    ],
}


def _picture(background: str, accent: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (800, 500), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((560, 60, 720, 220), fill=accent)
    draw.rectangle((0, 380, 800, 500), fill=accent)
    draw.polygon([(80, 380), (240, 180), (400, 380)], fill="#ffffff")
    raw = io.BytesIO()
    image.save(raw, format="PNG")
    return validate_image(SimpleUploadedFile("illustration.png", raw.getvalue(), content_type="image/png"))


def load(*, admin_user) -> None:
    for name, pictures in PICTURES.items():
        community = Community.objects.filter(name_en=name).first()
        if community is None or community.photos.exists():
            continue
        for (background, accent), alt, caption in pictures:
            services.add_photo(
                actor=admin_user,
                community=community,
                image=_picture(background, accent),
                is_illustration=True,
                **{f"alt_{lang}": text for lang, text in alt.items()},
                **{f"caption_{lang}": text for lang, text in caption.items()},
            )

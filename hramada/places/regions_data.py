"""Names pycountry lacks in Belarusian, Russian or English for the regions we work in.

pycountry gives ISO 3166-2 codes and romanised names; its be/ru catalogues cover only some of them.
"""

COUNTRY_NAMES = {
    "BY": {"en": "Belarus", "be": "Беларусь", "ru": "Беларусь"},
    "AM": {"en": "Armenia", "be": "Арменія", "ru": "Армения"},
    "MD": {"en": "Moldova", "be": "Малдова", "ru": "Молдова"},
}

REGION_NAMES = {
    "BY-BR": {"en": "Brest Region", "be": "Брэсцкая вобласць", "ru": "Брестская область"},
    "BY-HO": {"en": "Gomel Region", "be": "Гомельская вобласць", "ru": "Гомельская область"},
    "BY-HR": {"en": "Grodno Region", "be": "Гродзенская вобласць", "ru": "Гродненская область"},
    "BY-MA": {"en": "Mogilev Region", "be": "Магілёўская вобласць", "ru": "Могилёвская область"},
    "BY-MI": {"en": "Minsk Region", "be": "Мінская вобласць", "ru": "Минская область"},
    "BY-VI": {"en": "Vitebsk Region", "be": "Віцебская вобласць", "ru": "Витебская область"},
    "BY-HM": {"en": "Minsk City", "be": "горад Мінск", "ru": "город Минск"},
}

"""Finding people who may be the same person: for imports (a row against existing people) and for the
organisers' "possible duplicates" page (pairs among existing people).

Rules (one place, shared by both uses):
- the same e-mail address (case-insensitive) scores 100;
- the same phone number (both as E.164) scores 95;
- a similar name (rapidfuzz ``token_sort_ratio`` of the normalised names, so word order does not
  matter) of at least ``NAME_THRESHOLD`` *and* the same home settlement scores that similarity.
Names are normalised before comparing: case folded, accents and punctuation dropped, Belarusian and
Russian Cyrillic transliterated to Latin with one scheme, so "Башні", "Башни" and "Bashni" agree.

Nothing here compares everyone with everyone: people are indexed by e-mail, phone and settlement
("blocking"), and names are compared only within a settlement.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import numpy
import phonenumbers
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz, process

from hramada.core.text import transliterate

from .models import Person

NAME_THRESHOLD = 88
EMAIL_SCORE = 100
PHONE_SCORE = 95
_SLICE = 500

REASON_EMAIL = _("same e-mail")
REASON_PHONE = _("same phone")
REASON_NAME = _("similar name in the same settlement")


def normalise_name(text: str) -> str:
    """A name reduced for comparison: Latin letters and digits, lower case, single spaces."""
    if not text:
        return ""
    text = transliterate(text.casefold())
    # Drop accents (é -> e) and anything that is neither a letter, a digit nor a space.
    decomposed = unicodedata.normalize("NFKD", text)
    kept = []
    for ch in decomposed:
        if unicodedata.combining(ch):
            continue
        kept.append(ch if ch.isalnum() else " ")
    return " ".join("".join(kept).split())


def normalise_phone(text: str, region: str = "BY") -> str:
    """The number in E.164 (``+375291234567``), or "" when it is not a valid phone number."""
    if not text or not str(text).strip():
        return ""
    try:
        number = phonenumbers.parse(str(text).strip(), region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(text: str) -> str:
    return (text or "").strip().casefold()


@dataclass(frozen=True)
class Candidate:
    """Someone who might already be among the people: a spreadsheet row, or a person."""

    name: str
    email: str = ""
    phone: str = ""
    settlement_id: int | None = None


@dataclass(frozen=True)
class Match:
    person: Person
    score: int
    reasons: tuple[str, ...]


def name_similarity(a: str, b: str) -> int:
    """0-100, word order ignored; both arguments already normalised."""
    if not a or not b:
        return 0
    return round(fuzz.token_sort_ratio(a, b))


def _people_queryset(people):
    qs = Person.objects.all() if people is None else people
    return qs.filter(erased_at__isnull=True)


class Matcher:
    """People indexed once (by e-mail, phone and settlement), then asked about many candidates:
    an import of 50,000 rows reads the people once instead of querying per row."""

    def __init__(self, people_qs=None):
        fields = ["id", "public_id", "display_name", "email", "phone", "home_settlement_id"]
        self.by_email: dict[str, list[Person]] = defaultdict(list)
        self.by_phone: dict[str, list[Person]] = defaultdict(list)
        # settlement id -> (normalised names, people), parallel lists for rapidfuzz.process
        self.by_settlement: dict[int, tuple[list[str], list[Person]]] = {}
        for person in _people_queryset(people_qs).only(*fields).order_by("pk").iterator(chunk_size=2000):
            self.add(person)

    def add(self, person: Person) -> None:
        email = normalise_email(person.email)
        if email:
            self.by_email[email].append(person)
        phone = normalise_phone(person.phone)
        if phone:
            self.by_phone[phone].append(person)
        if person.home_settlement_id:
            names, people = self.by_settlement.setdefault(person.home_settlement_id, ([], []))
            names.append(normalise_name(person.display_name))
            people.append(person)

    def find(self, candidate: Candidate, *, limit: int = 5) -> list[Match]:
        found: dict[int, tuple[int, list[str], Person]] = {}

        def note(person: Person, score: int, reason) -> None:
            best, reasons, _p = found.get(person.pk, (0, [], person))
            reasons.append(reason)
            found[person.pk] = (max(best, score), reasons, person)

        email = normalise_email(candidate.email)
        if email:
            for person in self.by_email.get(email, ()):
                note(person, EMAIL_SCORE, REASON_EMAIL)
        phone = normalise_phone(candidate.phone)
        if phone:
            for person in self.by_phone.get(phone, ()):
                note(person, PHONE_SCORE, REASON_PHONE)
        name = normalise_name(candidate.name)
        if name and candidate.settlement_id and candidate.settlement_id in self.by_settlement:
            names, people = self.by_settlement[candidate.settlement_id]
            for _choice, score, index in process.extract(
                name, names, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_THRESHOLD, limit=None
            ):
                note(people[index], round(score), REASON_NAME)
        ordered = sorted(found.values(), key=lambda item: (-item[0], item[2].display_name, item[2].pk))
        return [Match(person=p, score=score, reasons=tuple(reasons)) for score, reasons, p in ordered[:limit]]


def find_matches(candidate: Candidate, *, people=None, limit: int = 5) -> list[Match]:
    """Existing people who may be ``candidate``, best first (for one candidate; use ``Matcher`` for many)."""
    qs = _people_queryset(people)
    query = Q(pk__in=[])
    email = normalise_email(candidate.email)
    if email:
        query |= Q(email__iexact=email)
    if candidate.settlement_id:
        query |= Q(home_settlement_id=candidate.settlement_id)
    phone = normalise_phone(candidate.phone)
    if phone:
        query |= Q(phone=phone)
    return Matcher(qs.filter(query)).find(candidate, limit=limit)


def possible_duplicate_pairs(people_qs=None, *, threshold: int = NAME_THRESHOLD) -> list[tuple]:
    """Pairs ``(a, b, score, reasons)`` within ``people_qs`` that may be the same person, best first;
    ``a`` is the older record (lower id). Compared only within blocks (same e-mail, same phone, same
    settlement), never everyone with everyone."""
    matcher = Matcher(people_qs)
    pairs: dict[tuple[int, int], tuple[int, list, Person, Person]] = {}

    def note(a: Person, b: Person, score: int, reason) -> None:
        if a.pk == b.pk:
            return
        if a.pk > b.pk:
            a, b = b, a
        best, reasons, _a, _b = pairs.get((a.pk, b.pk), (0, [], a, b))
        if reason not in reasons:
            reasons.append(reason)
        pairs[(a.pk, b.pk)] = (max(best, score), reasons, a, b)

    for block, score, reason in (
        (matcher.by_email.values(), EMAIL_SCORE, REASON_EMAIL),
        (matcher.by_phone.values(), PHONE_SCORE, REASON_PHONE),
    ):
        for people in block:
            for i, a in enumerate(people):
                for b in people[i + 1 :]:
                    note(a, b, score, reason)
    for names, people in matcher.by_settlement.values():
        if len(people) < 2:
            continue
        # Rows of the settlement's similarity matrix in slices (rapidfuzz in C, one byte per cell),
        # so a large settlement costs bounded memory.
        for start in range(0, len(people), _SLICE):
            block = process.cdist(
                names[start : start + _SLICE],
                names,
                scorer=fuzz.token_sort_ratio,
                score_cutoff=threshold,
                dtype=numpy.uint8,
            )
            for i, j in zip(*numpy.nonzero(block), strict=True):
                i = int(i) + start
                j = int(j)
                if j > i and names[i] and names[j]:
                    note(people[i], people[j], int(block[i - start][j]), REASON_NAME)
    ordered = sorted(pairs.values(), key=lambda item: (-item[0], item[2].pk, item[3].pk))
    return [(a, b, score, tuple(reasons)) for score, reasons, a, b in ordered]

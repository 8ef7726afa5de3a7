import pytest
from django.utils import timezone

from hramada.people.duplicates import (
    Candidate,
    Matcher,
    find_matches,
    normalise_name,
    normalise_phone,
    possible_duplicate_pairs,
)
from hramada.people.models import Person
from hramada.places.tests.factories import SettlementFactory

from .factories import PersonFactory


def test_names_agree_across_belarusian_russian_and_latin_spelling():
    assert normalise_name("Башні") == normalise_name("Башни") == normalise_name("Bashni") == "bashni"


def test_names_lose_case_accents_punctuation_and_extra_spaces():
    assert normalise_name("  Ганна-Марыя   КОВАЛЬ ") == "hanna maryia koval"
    assert normalise_name("José  O'Neil") == "jose o neil"
    assert normalise_name("") == ""


def test_phone_numbers_become_e164_or_empty():
    assert normalise_phone("8 029 123-45-67") == "+375291234567"
    assert normalise_phone("+375 (29) 123 45 67") == "+375291234567"
    assert normalise_phone("029 1234567", region="BY") == "+375291234567"
    assert normalise_phone("not a phone") == ""
    assert normalise_phone("123") == ""
    assert normalise_phone("") == ""


@pytest.mark.django_db
def test_same_email_scores_100_case_insensitively():
    anna = PersonFactory(display_name="Anna Kowal", email="Anna@Example.org")
    PersonFactory(display_name="Someone else", email="other@example.org")
    matches = find_matches(Candidate(name="Totally different", email="anna@example.ORG"))
    assert [(m.person, m.score) for m in matches] == [(anna, 100)]
    assert [str(r) for r in matches[0].reasons] == ["same e-mail"]


@pytest.mark.django_db
def test_the_same_phone_in_any_writing_is_a_match():
    known = PersonFactory(display_name="Hanna Novik", phone="+375291234567")
    PersonFactory(display_name="Someone else", phone="+375297654321")
    matches = find_matches(Candidate(name="H. Novik", phone="8 029 123-45-67"))
    assert [(m.person, m.score) for m in matches] == [(known, 95)]
    assert [str(r) for r in matches[0].reasons] == ["same phone"]
    assert Matcher().find(Candidate(name="X", phone="+375 29 123 45 67"))[0].person == known


@pytest.mark.django_db
def test_similar_name_counts_only_in_the_same_settlement_and_word_order_does_not_matter():
    bashni, hodosy = SettlementFactory(), SettlementFactory()
    here = PersonFactory(display_name="Ганна Коваль", home_settlement=bashni)
    PersonFactory(display_name="Ганна Коваль", home_settlement=hodosy)
    PersonFactory(display_name="Пётр Іваноў", home_settlement=bashni)
    matches = find_matches(Candidate(name="Koval Hanna", settlement_id=bashni.pk))
    assert [m.person for m in matches] == [here]
    assert matches[0].score == 100
    assert [str(r) for r in matches[0].reasons] == ["similar name in the same settlement"]
    # Without a settlement a name alone is not enough.
    assert find_matches(Candidate(name="Ганна Коваль")) == []


@pytest.mark.django_db
def test_a_name_below_the_threshold_is_not_a_match():
    village = SettlementFactory()
    PersonFactory(display_name="Ганна Коваль", home_settlement=village)
    assert find_matches(Candidate(name="Галіна Кавалёва", settlement_id=village.pk)) == []
    # A typo is still a match.
    assert find_matches(Candidate(name="Ганна Ковалъ", settlement_id=village.pk))


@pytest.mark.django_db
def test_matches_are_sorted_by_score_limited_and_restricted_to_the_given_people():
    village = SettlementFactory()
    by_email = PersonFactory(display_name="A. Kowal", email="a@example.org")
    by_name = PersonFactory(display_name="Anna Kowal", home_settlement=village)
    PersonFactory(display_name="Anna Kowala", home_settlement=village)
    candidate = Candidate(name="Anna Kowal", email="a@example.org", settlement_id=village.pk)
    matches = find_matches(candidate)
    assert [m.person for m in matches][:2] == [by_email, by_name]
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert len(find_matches(candidate, limit=1)) == 1
    only = find_matches(candidate, people=Person.objects.filter(pk=by_name.pk))
    assert [m.person for m in only] == [by_name]


@pytest.mark.django_db
def test_erased_people_are_never_matched():
    PersonFactory(display_name="Anna", email="a@example.org", erased_at=timezone.now())
    assert find_matches(Candidate(name="Anna", email="a@example.org")) == []


@pytest.mark.django_db
def test_matcher_reads_people_once_and_answers_many_candidates(django_assert_num_queries):
    village = SettlementFactory()
    anna = PersonFactory(display_name="Anna Kowal", email="anna@example.org", home_settlement=village)
    with django_assert_num_queries(1):
        matcher = Matcher(Person.objects.all())
    with django_assert_num_queries(0):
        assert matcher.find(Candidate(name="x", email="ANNA@example.org"))[0].person == anna
        assert matcher.find(Candidate(name="Kowal Anna", settlement_id=village.pk))[0].person == anna
        assert matcher.find(Candidate(name="Anna Kowal")) == []


@pytest.mark.django_db
def test_possible_duplicate_pairs_by_email_and_by_name_in_a_settlement():
    village, other = SettlementFactory(), SettlementFactory()
    a = PersonFactory(display_name="Ганна Коваль", home_settlement=village)
    b = PersonFactory(display_name="Hanna Koval", home_settlement=village)
    c = PersonFactory(display_name="Ганна Коваль", home_settlement=other)
    d = PersonFactory(display_name="Peter", email="p@example.org")
    e = PersonFactory(display_name="Piotr", email="P@example.org")
    PersonFactory(display_name="Someone Else", home_settlement=village)
    pairs = possible_duplicate_pairs(Person.objects.all())
    assert [(x, y, score) for x, y, score, _reasons in pairs] == [(a, b, 100), (d, e, 100)]
    assert [str(r) for r in pairs[1][3]] == ["same e-mail"]
    # The queryset restricts the pairs.
    assert possible_duplicate_pairs(Person.objects.exclude(pk=b.pk)) == [(d, e, 100, pairs[1][3])]
    assert c not in {p for pair in pairs for p in pair[:2]}

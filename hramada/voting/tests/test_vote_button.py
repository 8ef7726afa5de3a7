"""The vote area after a vote or a withdrawal in place (htmx): the other projects of the category
change in the same answer (out-of-band swaps), withdrawing asks first, and the vote form carries
what the browser check needs."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hramada.contests.tests.factories import CategoryFactory, ProjectFactory
from hramada.people.tests.factories import UserFactory
from hramada.voting import services
from hramada.voting.models import Vote

from .factories import VotingRulesFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def setup(limit=1):
    stage = VotingRulesFactory(votes_per_category=limit).stage
    category = CategoryFactory(edition=stage.edition)
    other_category = CategoryFactory(edition=stage.edition)
    projects = [ProjectFactory(category=category, title=t) for t in ("Library", "Playground", "Well")]
    return stage, category, projects, ProjectFactory(category=other_category, title="Bus stop")


def edition_page(client, stage):
    edition = stage.edition
    return client.get(
        reverse("contests:edition", args=[edition.contest.slug, edition.public_id])
    ).content.decode()


def full_oob(category):
    return f"data-hx-swap-oob=\"outerHTML:form[data-vote-offer='{category.pk}']\""


def test_vote_forms_name_their_category_and_carry_the_browser_check(client, settings):
    settings.VOTING_POW_REQUIRED = True
    stage, category, projects, bus = setup()
    client.force_login(UserFactory())
    page = edition_page(client, stage)
    for project in projects:
        cast = reverse("voting:cast", args=[project.public_id])
        form = page.split(f'action="{cast}"')[1].split("</form>")[0]
        assert f'data-vote-offer="{category.pk}"' in form
        assert f'data-pow="{reverse("voting:challenge")}?project={project.public_id}"' in form
        assert "data-msg-checking=" in form and "data-msg-failed=" in form and "data-vote-status" in form
    assert f'data-vote-offer="{bus.category_id}"' in page


def test_the_last_vote_of_a_category_turns_its_other_forms_into_a_note(client):
    stage, category, projects, bus = setup(limit=1)
    client.force_login(UserFactory())
    answer = client.post(reverse("voting:cast", args=[projects[0].public_id]), **HTMX).content.decode()
    assert "receipt-code" in answer
    oob = answer.split(full_oob(category))[1]
    assert "You have used your vote in this category: withdraw it to vote for this project." in oob
    # Only this category's forms: the bus stop's category is untouched.
    assert f"data-vote-offer='{bus.category_id}'" not in answer
    # What the page now shows is what the note said.
    page = edition_page(client, stage)
    assert page.count("You have used your vote in this category") == 2
    assert f'data-vote-offer="{category.pk}"' not in page


def test_with_votes_left_in_the_category_the_other_forms_stay(client):
    stage, category, projects, _bus = setup(limit=2)
    client.force_login(UserFactory())
    first = client.post(
        reverse("voting:cast", args=[projects[0].public_id]), {"others": "1"}, **HTMX
    ).content.decode()
    assert "receipt-code" in first and "data-hx-swap-oob" not in first
    second = client.post(
        reverse("voting:cast", args=[projects[1].public_id]), {"others": "1"}, **HTMX
    ).content.decode()
    assert full_oob(category) in second
    assert "You have used your 2 votes in this category: withdraw one to vote for this project." in second


def test_a_category_used_up_after_a_withdrawal_is_noticed(client):
    """With two votes, the second vote can take slot 1 (freed by a withdrawal) and still be the last:
    the answer reads the voter's votes to know."""
    stage, category, projects, _bus = setup(limit=2)
    user = UserFactory()
    first, _code = services.cast_vote(user=user, project=projects[0])
    services.cast_vote(user=user, project=projects[1])
    services.withdraw_vote(user=user, vote=first)
    client.force_login(user)
    url = reverse("voting:cast", args=[projects[2].public_id])
    answer = client.post(url, {"others": "1"}, **HTMX).content.decode()
    assert Vote.objects.get(project=projects[2]).slot == 1
    assert full_oob(category) in answer


def test_from_a_page_without_other_forms_of_the_category_nothing_is_counted(client):
    """A project's own page shows no other vote form (the button sends no others=1): with several
    votes per category and slot 1, the answer does not count the voter's votes to say the category
    is full; with one vote per category it says so anyway (it knows without reading)."""
    stage, category, projects, _bus = setup(limit=2)
    user = UserFactory()
    first, _code = services.cast_vote(user=user, project=projects[0])
    services.cast_vote(user=user, project=projects[1])
    services.withdraw_vote(user=user, vote=first)
    client.force_login(user)
    client.get(reverse("contests:project", args=[projects[2].public_id]))  # session and CSRF warm
    with CaptureQueriesContext(connection) as counted:
        answer = client.post(reverse("voting:cast", args=[projects[2].public_id]), **HTMX).content.decode()
    assert "receipt-code" in answer and "data-hx-swap-oob" not in answer
    assert not any("COUNT(" in q["sql"].upper() for q in counted.captured_queries)
    # The same vote from a page with the category's other forms is told the category is full.
    services.withdraw_vote(user=user, vote=Vote.objects.get(project=projects[2], withdrawn_at=None))
    answer = client.post(
        reverse("voting:cast", args=[projects[2].public_id]), {"others": "1"}, **HTMX
    ).content.decode()
    assert full_oob(category) in answer


def test_each_voter_gets_the_note_without_anothers_code(client):
    stage, category, projects, _bus = setup(limit=1)
    client.force_login(UserFactory())
    first = client.post(reverse("voting:cast", args=[projects[0].public_id]), **HTMX).content.decode()
    client.force_login(UserFactory())
    second = client.post(reverse("voting:cast", args=[projects[0].public_id]), **HTMX).content.decode()
    code = re.search(r'<code class="receipt-code">([^<]+)</code>', first).group(1)
    assert code not in second and full_oob(category) in second


def test_withdrawing_in_place_asks_first_then_gives_the_category_back(client):
    stage, category, projects, bus = setup(limit=1)
    user = UserFactory()
    services.cast_vote(user=user, project=projects[0])
    client.force_login(user)
    url = reverse("voting:withdraw", args=[projects[0].public_id])
    page = edition_page(client, stage)
    assert "data-hx-confirm=" in page and 'data-hx-vals=\'{"confirm": "1"}\'' in page
    # Without the confirmation (a browser without the dialog): the question, in place; nothing changes.
    asked = client.post(url, **HTMX).content.decode()
    assert "Withdraw your vote for “Library”?" in asked and 'name="confirm" value="1"' in asked
    assert Vote.objects.get().withdrawn_at is None
    answer = client.post(url, {"confirm": "1"}, **HTMX).content.decode()
    assert "is withdrawn" in answer and Vote.objects.get().withdrawn_at is not None
    # The two other projects of the category offer their Vote button again, out of band.
    for project in projects[1:]:
        area = answer.split(f'<div class="vote-area" id="vote-{project.public_id}" data-hx-swap-oob="true">')[
            1
        ]
        assert f'action="{reverse("voting:cast", args=[project.public_id])}"' in area.split("</div>")[0]
    assert f"vote-{bus.public_id}" not in answer
    assert answer.count('data-hx-swap-oob="true"') == 2


def test_a_withdrawal_that_frees_nothing_new_sends_no_other_cards(client):
    stage, _category, projects, _bus = setup(limit=2)
    user = UserFactory()
    services.cast_vote(user=user, project=projects[0])  # one of two votes used: the others offer Vote
    client.force_login(user)
    answer = client.post(
        reverse("voting:withdraw", args=[projects[0].public_id]), {"confirm": "1"}, **HTMX
    ).content.decode()
    assert "is withdrawn" in answer and "data-hx-swap-oob" not in answer


def test_withdrawing_from_my_votes_without_javascript_asks_on_a_page(client):
    stage, _category, projects, _bus = setup(limit=1)
    user = UserFactory()
    services.cast_vote(user=user, project=projects[0])
    client.force_login(user)
    url = reverse("voting:withdraw", args=[projects[0].public_id])
    asked = client.post(url, {"next": "https://evil.example/"})
    text = asked.content.decode()
    assert asked.status_code == 200 and "<h1>Withdraw your vote?</h1>" in text
    assert "evil.example" not in text  # "No, keep my vote" goes back to the project instead
    assert f'href="{reverse("contests:project", args=[projects[0].public_id])}"' in text
    assert Vote.objects.get().withdrawn_at is None

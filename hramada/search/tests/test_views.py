"""The search page and the header box: results, escaping, filters, bad parameters, permissions."""

import pytest
from django.utils import timezone

from hramada.local_issues.tests.factories import IssueFactory
from hramada.news.tests.factories import PostFactory
from hramada.search import services

pytestmark = pytest.mark.django_db


def test_every_page_has_the_search_box_in_the_header(client):
    html = client.get("/en/news/").content.decode()
    assert 'action="/en/search/"' in html and 'name="q"' in html and 'role="search"' in html


def test_a_visitor_finds_a_post_by_a_misspelled_word(client, forum_post):
    services.rebuild()
    response = client.get("/en/search/", {"q": "Bashnyah"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/en/news/{forum_post.public_id}/"' in html
    assert "<mark>" in html
    assert "Русский" in html  # shown in Russian, the nearest language, and says so


def test_results_in_the_visitors_language(client, forum_post):
    services.rebuild()
    html = client.get("/be/search/", {"q": "форум"}).content.decode()
    assert "Форум у <mark>" in html or "<mark>Форум</mark> у" in html


def test_an_empty_query_and_no_results_explain_themselves(client):
    response = client.get("/en/search/")
    assert response.status_code == 200 and "Type a word" in response.content.decode()
    response = client.get("/en/search/", {"q": "nothinghere", "type": "news"})
    html = response.content.decode()
    assert "Nothing found" in html and "without the filters" in html


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x", "year": "abc"},
        {"q": "x", "year": "99999"},
        {"q": "x", "country": "<script>"},
        {"q": "x", "region": "'"},
    ],
)
def test_malformed_parameters_are_a_400_with_a_message(client, params):
    response = client.get("/en/search/", params)
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "forum", "type": "nonsense"},
        {"q": "forum", "page": "-3"},
        {"q": "forum", "page": "junk"},
        {"q": "x" * 5000},
        {"q": "\"'<>*:(){}^-"},
        {"q": "forum OR NEAR(a b) AND title:*"},
        {"q": "%_\\"},
    ],
)
def test_odd_parameters_are_ignored_never_a_500(client, params):
    PostFactory(title="Forum", title_en="Forum")
    services.rebuild()
    assert client.get("/en/search/", params).status_code == 200


def test_drafts_and_hidden_issues_never_appear(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(title="Secret orchard", title_en="Secret orchard", published_at=None)
        issue = IssueFactory(title="Orchard fence")
    html = client.get("/en/search/", {"q": "orchard"}).content.decode()
    assert "Secret" not in html and issue.public_id in html
    with django_capture_on_commit_callbacks(execute=True):
        issue.hidden_at = timezone.now()
        issue.save()
    html = client.get("/en/search/", {"q": "orchard"}).content.decode()
    assert issue.public_id not in html and "Nothing found" in html


def test_type_filter_and_pagination_keep_the_other_parameters(client):
    for n in range(12):
        PostFactory(title=f"Apple day {n}", title_en=f"Apple day {n}")
    IssueFactory(title="Apple trees cut")
    services.rebuild()
    html = client.get("/en/search/", {"q": "apple", "type": ["news"]}).content.decode()
    assert "12 results" in html and "Apple trees" not in html
    assert "q=apple&amp;type=news&amp;page=2" in html

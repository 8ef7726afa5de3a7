"""The organisation's public page shows only what the organisation filled in."""

import pytest
from django.urls import reverse

from hramada.orgs.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_contact_heading_only_with_contacts(client):
    silent = OrganisationFactory()
    page = client.get(reverse("orgs:detail", args=[silent.slug])).content.decode()
    assert "Contact" not in page and "<ul>\n  \n" not in page
    reachable = OrganisationFactory(contact_email="hello@example.org")
    page = client.get(reverse("orgs:detail", args=[reachable.slug])).content.decode()
    assert "Contact" in page and "mailto:hello@example.org" in page

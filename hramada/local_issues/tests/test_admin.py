"""Platform staff appoint moderators and edit categories on the administration site (audited); issues
are read-only there and the reporter is not shown."""

import pytest
from django.urls import reverse

from hramada.core.models import AuditEntry
from hramada.core.tests.helpers import login_staff
from hramada.local_issues.models import Category, Moderator
from hramada.local_issues.tests.factories import IssueFactory
from hramada.people.tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_appoint_a_moderator_and_edit_a_category_audited(client):
    login_staff(client, UserFactory(is_staff=True, is_superuser=True))
    person = PersonFactory()
    response = client.post(reverse("admin:local_issues_moderator_add"), {"person": person.pk, "region": ""})
    assert response.status_code == 302 and Moderator.objects.filter(person=person, region=None).exists()
    assert AuditEntry.objects.filter(action="admin.local_issues.moderator.created").exists()
    roads = Category.objects.get(code="roads")
    assert client.get(reverse("admin:local_issues_category_change", args=[roads.pk])).status_code == 200


def test_issues_are_read_only_and_do_not_name_the_reporter(client):
    login_staff(client, UserFactory(is_staff=True, is_superuser=True))
    issue = IssueFactory(reporter=PersonFactory(display_name="Hanna Reporter"))
    assert client.get(reverse("admin:local_issues_issue_changelist")).status_code == 200
    page = client.get(reverse("admin:local_issues_issue_change", args=[issue.pk])).content.decode()
    assert issue.title in page and "Hanna Reporter" not in page
    assert client.get(reverse("admin:local_issues_issue_add")).status_code == 403

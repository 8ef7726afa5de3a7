"""Authentication backends that load the signed-in user's Person with the user, in one query.

Almost every signed-in request needs the Person (registrations, votes, "my" pages); without this it
costs a second query per request.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class _PersonWithUser:
    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("person").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class PersonModelBackend(_PersonWithUser, ModelBackend):
    """Django's username (e-mail) and password backend, used by the admin site's login."""


class PersonAllauthBackend(_PersonWithUser, AllauthBackend):
    """allauth's backend (log-in by e-mail), used by the site's log-in pages."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from hramada.core.audit import entries_for_scope

from .models import Invitation, Membership, Organisation, Role


def public_organisations(*, kind: str = "", q: str = ""):
    qs = Organisation.objects.filter(is_public=True).select_related("country", "settlement")
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name_be__icontains=q) | Q(name_ru__icontains=q) | Q(name_en__icontains=q))
    return qs.order_by("name", "pk")


def organisation_by_slug(slug: str, *, public_only: bool = True):
    qs = Organisation.objects.select_related("country", "settlement__region")
    if public_only:
        qs = qs.filter(is_public=True)
    return qs.filter(slug=slug).first()


def manages_anything(user):
    """Platform staff (True), and owners and managers of an organisation (their managing memberships, a
    queryset: any row means yes): who the organiser pages are for."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(person__user=user, role__in=[Role.OWNER, Role.MANAGER])


def memberships_for_user(user):
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(person__user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def members(organisation):
    return organisation.memberships.select_related("person__user").order_by("role", "person__display_name")


def open_invitations(organisation):
    return Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
    )


def audit_log(organisation):
    return entries_for_scope(organisation)


def home_section(request):
    return {
        "title": _("Organisations"),
        "template": "orgs/public/_org_cards.html",
        "items": list(public_organisations()[:6]),
        "more_url": reverse("orgs:list"),
        "empty": _("No organisation is listed yet."),
    }


def manage_section(request):
    items = list(memberships_for_user(request.user))
    if not items and not request.user.is_staff:
        return None
    return {
        "title": _("Your organisations"),
        "template": "orgs/manage/_my_orgs.html",
        "items": items,
        "empty": _("You are not a member of any organisation yet."),
    }

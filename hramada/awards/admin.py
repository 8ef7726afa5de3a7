"""Admin pages for support staff. Decisions change on the organiser pages, through the services (which
check the rules, e-mail the teams and write the audit log); here only what nothing depends on yet can
be edited, and every admin change is audited in the contest organisation's log.

Read-only here: the review stages, confirmed finalists (a snapshot of why they were chosen), pledges
(the sponsor's word and the organisers' decision), publications, a finalist rule once frozen (its
fingerprint is published), an award's winner (only a finalist may win), and everything of an edition
whose results are published.
"""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from hramada.contests.admin import ContestScopedAdminMixin
from hramada.core.admin import ReadOnlyAdmin

from .models import Award, Finalist, FinalistRule, Pledge, Publication, ReviewStage

TITLE_SEARCH = ["title_be", "title_ru", "title_en"]
EDITION_SEARCH = ["edition__title_be", "edition__title_ru", "edition__title_en", "edition__contest__slug"]


def _published(obj) -> bool:
    return obj is not None and Publication.objects.filter(edition_id=obj.edition_id).exists()


@admin.register(ReviewStage)
class ReviewStageAdmin(ReadOnlyAdmin):
    list_display = ["edition", "kind", "round", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["edition__contest", "round"]
    search_fields = [*EDITION_SEARCH, "round__title"]


@admin.register(FinalistRule)
class FinalistRuleAdmin(ContestScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "edition",
        "method",
        "finalists_per_category",
        "vote_weight",
        "expert_weight",
        "use_normalised",
        "tie_break",
        "frozen_at",
    ]
    list_filter = ["method", "tie_break", ("frozen_at", admin.EmptyFieldListFilter)]
    list_select_related = ["edition__contest"]
    search_fields = [*EDITION_SEARCH, "fingerprint"]
    readonly_fields = ["frozen_at", "fingerprint"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # the edition of an existing rule never changes
            return ["edition", *self.readonly_fields]
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        # A frozen rule is published with its fingerprint: it changes through no door, the admin included.
        if obj is not None and (obj.is_frozen or _published(obj)):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_frozen or _published(obj)):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Finalist)
class FinalistAdmin(ReadOnlyAdmin):
    """Confirmed or undone only on the organiser pages (the team is e-mailed; the rule is frozen)."""

    list_display = ["project", "category", "edition", "position", "source", "confirmed_at", "confirmed_by"]
    list_filter = ["source"]
    list_select_related = ["project", "category", "edition__contest", "confirmed_by"]
    search_fields = ["project__title", "project__public_id", *EDITION_SEARCH]


@admin.register(Award)
class AwardAdmin(ContestScopedAdminMixin, TranslationAdmin):
    list_display = [
        "title",
        "edition",
        "category",
        "prize_amount",
        "currency",
        "sponsor",
        "project",
        "decided_at",
    ]
    list_filter = [("project", admin.EmptyFieldListFilter), "currency"]
    list_select_related = ["edition__contest", "category", "sponsor", "project"]
    search_fields = [
        *TITLE_SEARCH,
        "project__title",
        "sponsor__name_be",
        "sponsor__name_ru",
        "sponsor__name_en",
    ]
    # The winner is decided on the organiser page (only a finalist of the award's category may win, and
    # the decision is audited with the jury's ranking); the award's place in the edition stays put.
    readonly_fields = ["edition", "category", "pledge", "project", "decided_at", "decided_by"]
    fields = [
        "edition",
        "category",
        "title",
        "prize_amount",
        "currency",
        "sponsor",
        "order",
        "pledge",
        "project",
        "decided_at",
        "decided_by",
    ]

    def has_add_permission(self, request):
        return False  # on the organiser pages, which check the edition's categories and sponsors

    def has_change_permission(self, request, obj=None):
        if _published(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.project_id or obj.pledge_id or _published(obj)):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    """The sponsor's declaration and the organisers' decision are both records; they change nowhere."""

    list_display = ["title", "sponsor", "edition", "category", "amount", "currency", "status", "decided_at"]
    list_filter = ["status", "currency"]
    list_select_related = ["sponsor", "edition__contest", "category"]
    search_fields = [
        *TITLE_SEARCH,
        "sponsor__name_be",
        "sponsor__name_ru",
        "sponsor__name_en",
        *EDITION_SEARCH,
    ]


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["edition", "published_at", "published_by"]
    list_select_related = ["edition__contest", "published_by"]
    search_fields = EDITION_SEARCH
    date_hierarchy = "published_at"

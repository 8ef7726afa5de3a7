from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "hramada.reviews"
    label = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        from hramada.core.registry import register_manage_section, register_periodic_job, register_user_link
        from hramada.orgs.registry import register_menu_link

        from . import selectors, services

        register_manage_section(30, selectors.manage_section)
        register_menu_link(35, _("Reviews"), "reviews:org_rounds", perm="reviews.add_round")
        # Experts and jurors reach their work from the header (outside /manage/: no two-factor set-up).
        register_user_link(20, _("My reviews"), "reviews:my_reviews", selectors.has_assignments)
        # `manage.py run_periodic` (every minute): reviewers with work left hear once before their round closes.
        register_periodic_job("reviews.remind_reviewers", services.send_reminders)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "hramada.api"
    label = "api"
    verbose_name = _("API")

    def ready(self):
        from hramada.core.registry import register_user_link
        from hramada.orgs.registry import register_menu_link

        # "API tokens" in the signed-in header menu (their settings page) and in an organisation's
        # organiser menu for its owners.
        register_user_link(90, _("API tokens"), "api:tokens", shown_to=lambda user: user.is_authenticated)
        register_menu_link(90, _("API tokens"), "api:org_tokens", perm="orgs.manage_members")

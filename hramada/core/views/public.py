from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from hramada.core.registry import home_sections


def home(request):
    sections = [section for _order, fn in home_sections if (section := fn(request))]
    return render(request, "core/public/home.html", {"sections": sections})


def privacy(request):
    return render(request, "core/public/privacy.html")


@never_cache
def admin_login(request, extra_context=None):
    """Django admin's login page: the site's login (rate limits, two-factor) instead of the admin's form.

    A signed-in user who still lands here is not platform staff (the two-factor middleware has
    already asked staff for their code): 403, not a loop back to the login page.
    """
    if request.user.is_authenticated:
        raise PermissionDenied
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")

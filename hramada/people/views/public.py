import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language as django_set_language

from hramada.core.errors import DomainError

from .. import services
from ..consent import SENSITIVE_FIELDS
from ..forms import DeleteAccountForm, ProfileForm, SensitiveForm


# Exempt from CSRF like Django's own view: it sets the visitor's language cookie, and cached public pages
# carry no per-visitor token. A cross-site form cannot change a signed-in person's site language: the
# session cookie is SameSite=Lax, so such a POST arrives without it, as from an anonymous visitor.
@csrf_exempt
def set_language(request):
    """Django's language switcher; a signed-in person's e-mails follow the language they switch to."""
    response = django_set_language(request)
    if request.method == "POST" and response.status_code in (200, 302):
        services.remember_site_language(request.user, request.POST.get("language", ""))
    return response


def _apply_errors(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    person = services.ensure_person(request.user)
    initial = {
        "display_name": person.display_name,
        "home_settlement": person.home_settlement_id,
        "home_community": person.home_community_id,
        "preferred_language": person.preferred_language,
        "phone": person.phone,
    }
    sensitive_initial = {f: getattr(person, f) for f in SENSITIVE_FIELDS} | {
        f"{f}_consent": getattr(person, f"{f}_consent_at") is not None for f in SENSITIVE_FIELDS
    }
    form = ProfileForm(initial=initial, site_language=person.site_language)
    sensitive = SensitiveForm(initial=sensitive_initial)
    if request.method == "POST" and request.POST.get("form") == "profile":
        form = ProfileForm(request.POST, site_language=person.site_language)
        if form.is_valid():
            try:
                services.update_profile(person=person, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("people:profile")
    elif request.method == "POST" and request.POST.get("form") == "sensitive":
        sensitive = SensitiveForm(request.POST)
        if sensitive.is_valid():
            try:
                for field in SENSITIVE_FIELDS:
                    services.set_sensitive_field(
                        person=person,
                        actor=request.user,
                        field=field,
                        value=sensitive.cleaned_data[field],
                        consent=sensitive.cleaned_data[f"{field}_consent"],
                    )
            except DomainError as exc:
                _apply_errors(sensitive, exc)
            else:
                messages.success(request, _("Your choices about sensitive data are saved."))
                return redirect("people:profile")
    return render(
        request, "people/public/profile.html", {"person": person, "form": form, "sensitive": sensitive}
    )


@login_required
def download_data(request):
    person = services.ensure_person(request.user)
    data = services.export_person_data(person)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="hramada-my-data-{timezone.now():%Y%m%d}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.erase_account(user=user)
        messages.success(request, _("Your account is deleted. Thank you for taking part."))
        return redirect("core:home")
    return render(request, "people/public/delete_account.html", {"form": form})

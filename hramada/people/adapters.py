from allauth.account.adapter import DefaultAccountAdapter

from .services import ensure_person


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            person = ensure_person(user)
            lang = getattr(request, "LANGUAGE_CODE", "")
            if lang and not person.preferred_language:
                person.preferred_language = lang
                person.save(update_fields=["preferred_language"])
        return user

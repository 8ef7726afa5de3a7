from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LANGS

LANGUAGE_LABELS = {"be": "Беларуская", "ru": "Русский", "en": "English"}


def _links_fields():
    """What a post may be linked to: only what any visitor may see (a published event, a public
    organisation...), chosen by public id."""
    from hramada.contests.models import Edition
    from hramada.events.models import Event
    from hramada.initiatives.models import Initiative
    from hramada.local_issues.selectors import public_issues
    from hramada.orgs.models import Organisation
    from hramada.places.models import Community
    from hramada.programmes.models import Programme

    def field(label, queryset):
        return forms.ModelMultipleChoiceField(
            label=label,
            queryset=queryset,
            to_field_name="public_id",
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 6}),
        )

    return {
        "organisations": field(
            _("Organisations"), Organisation.objects.filter(is_public=True).order_by("name")
        ),
        "communities": field(_("Communities"), Community.objects.filter(is_published=True).order_by("name")),
        "events": field(
            _("Events"), Event.objects.filter(status=Event.Status.PUBLISHED).order_by("-starts_at")
        ),
        "editions": field(
            _("Contest editions"),
            Edition.objects.filter(published_at__isnull=False).select_related("contest").order_by("-year"),
        ),
        "programmes": field(
            _("Programmes"), Programme.objects.filter(published_at__isnull=False).order_by("title")
        ),
        "initiatives": field(
            _("Local initiatives"), Initiative.objects.filter(published_at__isnull=False).order_by("title")
        ),
        "issues": field(_("Local issues"), public_issues().order_by("-published_at")),
    }


class PostForm(forms.Form):
    """A post's texts in each language (each optional, one title needed), cover, tags and links."""

    cover = forms.FileField(
        label=_("Cover image"),
        required=False,
        help_text=_("JPEG, PNG or WebP. Its metadata (place, camera) is removed."),
    )
    remove_cover = forms.BooleanField(label=_("Remove the cover image"), required=False)
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=400, help_text=_("Separated by commas, at most ten.")
    )

    LINKS = ("organisations", "communities", "events", "editions", "programmes", "initiatives", "issues")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for lang in LANGS:
            name = LANGUAGE_LABELS[lang]
            self.fields[f"title_{lang}"] = forms.CharField(label=_("Title"), required=False, max_length=200)
            self.fields[f"excerpt_{lang}"] = forms.CharField(
                label=_("Excerpt"),
                required=False,
                max_length=600,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("A few sentences shown in lists, before “read more”."),
            )
            self.fields[f"body_{lang}"] = forms.CharField(
                label=_("Text"),
                required=False,
                max_length=50000,
                widget=forms.Textarea(attrs={"rows": 14}),
                help_text=_(
                    "Markdown: **bold**, *italic*, [a link](https://example.org), lists, ## headings."
                ),
            )
            self.fields[f"cover_alt_{lang}"] = forms.CharField(
                label=_("Cover image description"), required=False, max_length=200
            )
            for key in ("title", "excerpt", "body", "cover_alt"):
                self.fields[f"{key}_{lang}"].widget.attrs["lang"] = lang
            self.fields[f"title_{lang}"].language_name = name
        self.fields.update(_links_fields())

    def language_fieldsets(self):
        return [
            {
                "code": lang,
                "name": LANGUAGE_LABELS[lang],
                "fields": [self[f"{key}_{lang}"] for key in ("title", "excerpt", "body", "cover_alt")],
            }
            for lang in LANGS
        ]

    def link_fields(self):
        return [self[name] for name in self.LINKS]

    def clean(self):
        data = super().clean()
        if not any(data.get(f"title_{lang}") for lang in LANGS):
            self.add_error("title_be", _("Give the post a title in at least one language."))
        return data

    def texts(self) -> dict:
        return {
            f"{key}_{lang}": self.cleaned_data.get(f"{key}_{lang}", "")
            for key in ("title", "excerpt", "body", "cover_alt")
            for lang in LANGS
        }

    def links(self) -> dict:
        return {name: list(self.cleaned_data.get(name) or []) for name in self.LINKS}


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

"""Forms of the authorities' part: the answer (through the link or an account), forwarding, an
authority's areas, and the residents' "is it fixed?". The services check every rule again; these
forms only parse."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hramada.core.widgets import SearchableSelect
from hramada.places.models import District, Region, Settlement

from .authorities import MAX_ANSWER_DAYS, TEXT_MAX, authorities
from .models import Category

ANSWER_KINDS = [
    ("acknowledged", _("We have received the issue and are looking into it")),
    ("planned", _("The work is planned (give the date)")),
    ("resolved", _("It is resolved (say what was done; photos help)")),
    ("declined", _("We decline (give the reason)")),
    ("not_ours", _("This is not ours (you may suggest the responsible authority)")),
]


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several photos in one field (each re-encoded by the service)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class AnswerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Your answer"), choices=ANSWER_KINDS, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Text of the answer"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Published on the issue's page. Required for “resolved” (what was done) and “decline” (why)."
        ),
    )
    planned_for = forms.DateField(
        label=_("Planned for"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Required for “planned”."),
    )
    suggested_authority = forms.ModelChoiceField(
        label=_("The authority responsible, if you know it"),
        queryset=authorities(),
        required=False,
        help_text=_("Only for “not ours”. The moderators decide where to forward the issue."),
    )
    photos = MultipleImageField(
        label=_("Photos of the work done"),
        required=False,
        help_text=_("Only with “resolved”. JPEG, PNG or WebP."),
    )

    def __init__(self, *args, authority=None, **kwargs):
        super().__init__(*args, **kwargs)
        others = authorities()
        if authority is not None:
            others = others.exclude(pk=authority.pk)
        self.fields["suggested_authority"].queryset = others


class LinkAnswerForm(AnswerForm):
    """The answer through an e-mailed link, naming the issue the official saw: a form sent to another
    issue's link is refused."""

    issue = forms.CharField(widget=forms.HiddenInput, max_length=26)


class ForwardForm(forms.Form):
    authority = forms.ModelChoiceField(label=_("Forward to"), queryset=authorities(), empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities()


class AreaForm(forms.Form):
    """One place an authority covers: a region, a district or a settlement (one of the three)."""

    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.order_by("name"), required=False
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.select_related("region").order_by("name"),
        required=False,
    )
    settlement = forms.ModelChoiceField(
        label=_("Settlement"),
        queryset=Settlement.objects.select_related("region", "district").order_by("name"),
        required=False,
        widget=SearchableSelect(search_url=reverse_lazy("places:settlement_search")),
    )
    categories = forms.ModelMultipleChoiceField(
        label=pgettext_lazy("of local issues", "Categories"),
        queryset=Category.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: all categories."),
    )
    answer_days = forms.IntegerField(
        label=_("Days to answer"),
        required=False,
        min_value=1,
        max_value=MAX_ANSWER_DAYS,
        help_text=_("Empty: the platform's default."),
    )


class FixedForm(forms.Form):
    fixed = forms.TypedChoiceField(
        label=_("Is it fixed?"),
        choices=[("yes", _("Yes, it is fixed")), ("no", _("No, it is not fixed"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

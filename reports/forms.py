import html

from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoagiai.text import PlainTextFormMixin

from .models import LINE_FIELDS, CommuneYear, ProvinceReportText, YearlyReport
from .rules import line_errors
from .services import DISTRICT_ONLY, HEADER_FIELDS


def _escape(value) -> str:
    """conditional_escape without its wrappers (it runs thousands of times a page)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


class GridNumberInput(forms.NumberInput):
    """Django's number input, written out here instead of through the widget templates:
    the report grid holds hundreds of them (communes × figures), and drawing each through
    the templates made most of the page's time. The markup is the same, attribute for
    attribute (tests/test_reports.py compares)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<input type="{_escape(widget["type"])}" name="{_escape(widget["name"])}"']
        if widget["value"] is not None:
            parts.append(f' value="{_escape(widget["value"])}"')
        for key, attr in widget["attrs"].items():
            if attr is True:
                parts.append(f" {_escape(key)}")
            elif attr is not False:
                parts.append(f' {_escape(key)}="{_escape(attr)}"')
        parts.append(">")
        return mark_safe("".join(parts))


def _figure_field(name):
    label = CommuneYear._meta.get_field(name).verbose_name
    return forms.IntegerField(
        label=label,
        min_value=0,
        widget=GridNumberInput(attrs={"min": 0}),
        error_messages={
            "required": gettext_lazy("enter a number (0 if none)"),
            "invalid": gettext_lazy("enter a whole number"),
            "min_value": gettext_lazy("must not be negative"),
        },
    )


class LineForm(forms.Form):
    """One commune's row of the report grid (prefix: the commune id)."""

    def __init__(self, *args, line: CommuneYear, **kwargs):
        super().__init__(*args, initial=line.figures(), prefix=f"c{line.commune_id}", **kwargs)
        self.line = line
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = f"{line.commune.name} — {field.label}"

    def clean(self):
        values = super().clean()
        if all(values.get(name) is not None for name in LINE_FIELDS):
            for field, message in line_errors(values):
                self.add_error(field, message)
        return values


class ReportForm(PlainTextFormMixin, forms.ModelForm):
    """The unit's own figures and text sections, plus a text per task group it leads.

    A commune has no trainers of its own: its report has no trainer fields."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = YearlyReport
        fields = HEADER_FIELDS
        widgets = {
            "difficulties": forms.Textarea(attrs={"rows": 4}),
            "proposals": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, group_results=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        if self.instance.is_commune_report:
            for name in DISTRICT_ONLY:
                del self.fields[name]
        self.header_names = [name for name in HEADER_FIELDS if name in self.fields]
        self.group_fields = []
        for result in group_results:
            name = f"group_{result.group_id}"
            self.fields[name] = forms.CharField(
                label=gettext_lazy("Group %(number)s: %(title)s")
                % {"number": result.group.number, "title": result.group.title},
                required=False,
                initial=result.text,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.group_fields.append(name)

    def clean(self):
        values = super().clean()
        trainers, trained = values.get("district_trainers"), values.get("district_trainers_trained")
        if trainers is not None and trained is not None and trained > trainers:
            self.add_error(
                "district_trainers_trained",
                _("%(trained)d trained exceeds the %(trainers)d district trainers")
                % {"trained": trained, "trainers": trainers},
            )
        return values

    def header(self):
        return {name: self.cleaned_data[name] for name in self.header_names}

    def group_texts(self):
        return {int(name.split("_")[1]): self.cleaned_data[name] for name in self.group_fields}

    @property
    def figure_fields(self):
        return [
            self[name] for name in self.header_names if name not in ("difficulties", "proposals")
        ]

    @property
    def group_bound_fields(self):
        return [self[name] for name in self.group_fields]


class TransitionForm(PlainTextFormMixin, forms.Form):
    ACTIONS = ["submit", "return", "approve", "reopen"]
    action = forms.ChoiceField(choices=[(action, action) for action in ACTIONS])
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    acknowledged = forms.BooleanField(required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Filled-in template (.xlsx)"))
    version = forms.IntegerField(widget=forms.HiddenInput)


# The grid's fields, declared once; each form gets its own copies (Django deep-copies
# base_fields), cheaper than building fifteen fields per commune on every page.
LineForm.base_fields = {name: _figure_field(name) for name in LINE_FIELDS}


class ProvinceReportTextForm(PlainTextFormMixin, forms.ModelForm):
    """The narrative of the Sở's yearly report, edited before the Word file is made."""

    class Meta:
        model = ProvinceReportText
        fields = [
            "number",
            "issued_on",
            "addressees",
            "direction",
            "difficulties",
            "outlook",
            "proposals",
            "signer_title",
            "signer_name",
            "recipients",
            "archive",
        ]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "addressees": forms.Textarea(attrs={"rows": 2}),
            "direction": forms.Textarea(attrs={"rows": 5}),
            "difficulties": forms.Textarea(attrs={"rows": 6}),
            "outlook": forms.Textarea(attrs={"rows": 6}),
            "proposals": forms.Textarea(attrs={"rows": 6}),
            "signer_title": forms.Textarea(attrs={"rows": 2}),
            "recipients": forms.Textarea(attrs={"rows": 4}),
        }

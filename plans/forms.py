from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hoagiai.text import PlainTextFormMixin

from . import evidence
from .models import Activity, Responsibility


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern), each checked alone."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(evidence.ALLOWED)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class StatusForm(forms.Form):
    responsibility = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("status"), choices=Responsibility.Status.choices)


class ActivityForm(PlainTextFormMixin, forms.ModelForm):
    files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, Word, Excel or images; several at once."),
    )

    class Meta:
        model = Activity
        fields = ["held_on", "description", "participants", "budget"]
        widgets = {
            "held_on": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_files(self):
        files, problems, self.kinds = self.cleaned_data["files"], [], []
        for upload in files:
            try:
                self.kinds.append(evidence.check(upload))
            except ValidationError as error:
                problems.extend(error.messages)
        if problems:
            raise ValidationError(problems)
        return files

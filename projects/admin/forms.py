"""Forms of the editorial admin.

The project form carries the version it was loaded at and re-checks it,
with the row locked, before anything is saved (``projects.editing``): a
second editor's save is refused with a message naming who changed what,
and the text they typed stays in the form.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import editing, revisions
from ..choices import FUNDING_MECHANISM_GROUPS
from ..fields import EDITORIAL_TEXT_FIELDS
from ..models import Condition, Project

#: Help for the "who could benefit" boxes, by kind of research: lab research
#: enrols nobody, so its page says who it may help one day, not who may join.
FIT_WORDING = {
    "lab": {
        "good_fit": (
            _("Who this research may help one day"),
            _("The people whose condition this lab research is about, and how it may help "
              "them in future. It enrols no patients: do not write eligibility here."),
        ),
        "not_a_fit": (
            _("Who it is unlikely to help"),
            _("Optional. People the findings are not expected to apply to. Not eligibility."),
        ),
    },
    "study": {
        "good_fit": (
            _("Who may be able to take part (good fit)"),
            _("The main eligibility rules in plain words: age, condition, stage, treatment "
              "history. Check them against the registry record."),
        ),
        "not_a_fit": (
            _("Who cannot take part (not a fit)"),
            _("The main reasons people are excluded, in plain words."),
        ),
    },
}


class ProjectAdminForm(forms.ModelForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    review_note = forms.CharField(
        label=_("Note for the reviewer"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent with “Save and submit for review”: what you changed and why."),
    )
    readability_override = forms.CharField(
        label=_("Reason to submit above the target reading grade"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only needed when the summary reads above the target grade."),
    )

    class Meta:
        model = Project
        exclude = ["collaborators", "source_keywords", "spending_categories"]
        widgets = {
            "lay_title": forms.TextInput(attrs={"class": "vLargeTextField lay-title"}),
            "official_title": forms.Textarea(attrs={"rows": 2}),
            **{
                name: forms.Textarea(attrs={"rows": 4})
                for name in ("good_fit", "not_a_fit", "potential_benefit", "similar_studies")
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict: editing.EditRefused | None = None
        if "funding_mechanism" in self.fields:
            self.fields["funding_mechanism"].choices = [("", "---------"), *FUNDING_MECHANISM_GROUPS]
        project = self.instance
        self.initial["base_version"] = project.version if project.pk else None
        if project.pk and project.is_live:
            # A live page is edited as its newest draft, not as the live text.
            draft = revisions.draft_content(project)
            for name in EDITORIAL_TEXT_FIELDS:
                self.initial[name] = draft.get(name, "")
            self.initial["conditions"] = draft.get("conditions", [])
        kind = "lab" if project.pk and project.is_lab_research else "study" if project.pk else None
        for name in ("good_fit", "not_a_fit"):
            if name in self.fields and kind:
                label, help_text = FIT_WORDING[kind][name]
                self.fields[name].label, self.fields[name].help_text = label, help_text

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            try:
                editing.lock_for_editing(self.instance.pk, cleaned.get("base_version"))
            except editing.EditRefused as refused:
                self.conflict = refused
                if isinstance(refused, editing.EditConflict):
                    # Saving again after reading the changes keeps this editor's text.
                    self.data = self.data.copy()
                    self.data[self.add_prefix("base_version")] = refused.current_version
                raise ValidationError(str(refused), code="conflict") from None
        return cleaned

    def editorial_content(self) -> revisions.Snapshot:
        """The plain-language content as the editor submitted it."""
        content = {name: self.cleaned_data.get(name, "") or "" for name in EDITORIAL_TEXT_FIELDS}
        conditions = self.cleaned_data.get("conditions") or Condition.objects.none()
        content["conditions"] = sorted(c.pk for c in conditions)
        return content

"""Forms for the case. Each lists only the fields its role may set (no mass assignment);
versioned forms carry the version the editor saw."""

from __future__ import annotations

from django import forms

from oversight.models import (
    Action,
    CauseOfConcern,
    EngageCase,
    Position,
    Rag,
    Recommendation,
)


class DateInput(forms.DateInput):
    """A native date picker, which reads and writes ISO dates whatever the locale."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format=format)


class VersionedForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class CaseForm(VersionedForm):
    rca_file = forms.FileField(
        label="Root cause analysis document (optional)", required=False,
        help_text="The Chief Constable's analysis: PDF, Word, Excel, PowerPoint, an image or CSV.")

    class Meta:
        model = EngageCase
        fields = ["letter_url", "decision_published", "letter_summary", "hmi_name", "fll_name",
                  "rca_summary", "rca_received"]
        widgets = {"decision_published": DateInput, "rca_received": DateInput,
                   "letter_summary": forms.Textarea(attrs={"rows": 5}),
                   "rca_summary": forms.Textarea(attrs={"rows": 8})}


class ConcernForm(VersionedForm):
    class Meta:
        model = CauseOfConcern
        fields = ["reference", "title", "wording", "source", "accelerated", "raised",
                  "peel_area", "areas_for_improvement", "priority", "threshold",
                  "threshold_agreed", "status", "discharged"]
        widgets = {"raised": DateInput, "threshold_agreed": DateInput, "discharged": DateInput,
                   "wording": forms.Textarea(attrs={"rows": 5}),
                   "threshold": forms.Textarea(attrs={"rows": 4}),
                   "source": forms.RadioSelect, "priority": forms.RadioSelect,
                   "status": forms.RadioSelect,
                   "areas_for_improvement": forms.CheckboxSelectMultiple}
        error_messages = {
            "title": {"required": "Enter a short title for the cause of concern"},
            "wording": {"required": "Enter HMICFRS's wording of the cause of concern"},
            "raised": {"required": "Enter the date it was raised",
                       "invalid": "Enter a real date, like 27 3 2025"},
        }

    def __init__(self, *args, case: EngageCase, **kwargs):
        super().__init__(*args, **kwargs)
        from forces.models import AreaForImprovement, PeelArea

        self.fields["peel_area"].queryset = PeelArea.objects.select_related("cycle")
        self.fields["peel_area"].label_from_instance = lambda a: f"{a.cycle.name}: {a.name}"
        self.fields["areas_for_improvement"].queryset = AreaForImprovement.objects.filter(
            assessment__force=case.force)
        if not self.fields["areas_for_improvement"].queryset.exists():
            del self.fields["areas_for_improvement"]
        if not self.instance.pk:
            del self.fields["version"]


class RecommendationForm(VersionedForm):
    class Meta:
        model = Recommendation
        fields = ["reference", "text", "due", "hmicfrs_status"]
        widgets = {"due": DateInput, "text": forms.Textarea(attrs={"rows": 4}),
                   "hmicfrs_status": forms.RadioSelect}
        error_messages = {"text": {"required": "Enter the recommendation"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["version"]


class PositionForm(forms.ModelForm):
    target = forms.ChoiceField(label="About", widget=forms.Select)

    class Meta:
        model = Position
        fields = ["side", "rag", "statement", "as_of"]
        widgets = {"as_of": DateInput, "side": forms.RadioSelect, "rag": forms.RadioSelect,
                   "statement": forms.Textarea(attrs={"rows": 4})}
        error_messages = {"statement": {"required": "Enter the position"},
                          "as_of": {"required": "Enter the date of this position"},
                          "side": {"required": "Choose whose position this is"},
                          "rag": {"required": "Choose a RAG rating"}}

    def __init__(self, *args, concern: CauseOfConcern, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", f"The cause of concern: {concern}")]
        choices += [(str(r.pk), f"Recommendation {r.reference}: {r.text[:60]}")
                    for r in concern.recommendations.all()]
        self.fields["target"].choices = choices
        self.fields["target"].required = False
        self.order_fields(["target", "side", "rag", "statement", "as_of"])


class ActionForm(VersionedForm):
    class Meta:
        model = Action
        fields = ["reference", "title", "description", "owner", "due", "status",
                  "is_milestone", "concerns", "recommendations"]
        widgets = {"due": DateInput, "description": forms.Textarea(attrs={"rows": 4}),
                   "concerns": forms.CheckboxSelectMultiple,
                   "recommendations": forms.CheckboxSelectMultiple}
        error_messages = {"title": {"required": "Enter what the action is"},
                          "owner": {"required": "Enter who owns the action"},
                          "due": {"required": "Enter the date the action is due",
                                  "invalid": "Enter a real date"}}

    def __init__(self, *args, case: EngageCase, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concerns"].queryset = case.concerns.all()
        self.fields["recommendations"].queryset = Recommendation.objects.filter(
            concern__case=case).select_related("concern")
        self.fields["recommendations"].label_from_instance = (
            lambda r: f"{r.concern.reference} – recommendation {r.reference}: {r.text[:70]}")
        if not self.instance.pk:
            del self.fields["version"]


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Action.Status.choices, label="Status")
    version = forms.IntegerField(widget=forms.HiddenInput)


class CommentForm(forms.Form):
    text = forms.CharField(label="Add a comment", widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "Enter your comment"})


class PlanFilterForm(forms.Form):
    concern = forms.TypedChoiceField(label="Cause of concern", required=False, coerce=int,
                                     empty_value=None)
    owner = forms.ChoiceField(label="Owner", required=False)
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("", "Any status"), *Action.Status.choices])
    overdue = forms.BooleanField(label="Overdue only", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=[
        ("due", "Due date, soonest first"), ("-due", "Due date, latest first"),
        ("reference", "Reference"), ("status", "Status")])

    def __init__(self, *args, concerns, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concern"].choices = [("", "All causes of concern")] + [
            (c.pk, str(c)) for c in concerns]
        self.fields["owner"].choices = [("", "Any owner")] + [(o, o) for o in owners]


RAG_CHOICES = Rag.choices

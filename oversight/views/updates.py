"""Progress updates on an action, and downloads of the evidence they carry."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.forms.boundfield import BoundField
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from oversight import updates
from oversight.forms import DateInput
from oversight.models import Action, Rag
from oversight.views.base import editable_case, run_service


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _FileUploadBoundField(BoundField):
    # The shared field template styles Django's file widgets by their widget_type; this one
    # is a file upload too, so it gets the same GOV.UK markup.
    @property
    def widget_type(self) -> str:
        return "file"


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput
    bound_field_class = _FileUploadBoundField

    def clean(self, data, initial=None) -> list:
        # Each file is checked by updates.check_file, whose messages name the file at fault.
        files = [upload for upload in (data if isinstance(data, (list, tuple)) else [data])
                 if upload]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class UpdateForm(forms.Form):
    # A date input needs an ISO value; the shared DateInput would show today as 26/11/2026.
    as_of = forms.DateField(
        label="Progress as of", widget=DateInput(format="%Y-%m-%d"),
        error_messages={"required": "Enter the date this update is as of",
                        "invalid": "Enter a real date"})
    rag = forms.ChoiceField(label="RAG rating", choices=Rag.choices, widget=forms.RadioSelect,
                            error_messages={"required": "Choose a RAG rating"})
    text = forms.CharField(label="Update", widget=forms.Textarea(attrs={"rows": 8}),
                           help_text="What has been done, what it shows and what happens next.",
                           error_messages={"required": "Enter the update"})
    files = MultipleFileField(label="Evidence (optional)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = (
            "You can choose more than one file: PDF, Word, Excel, PowerPoint, PNG, JPEG, GIF "
            f"or CSV, up to {updates.size_label(updates.max_bytes())} each.")


def _editable_action(request: HttpRequest, slug: str, action_id: int) -> Action:
    case = editable_case(request, slug)
    return get_object_or_404(Action.objects.select_related("case__force"), pk=action_id,
                             case=case)


@require_http_methods(["GET", "POST"])
def update_create(request: HttpRequest, slug: str, action_id: int) -> HttpResponse:
    action = _editable_action(request, slug, action_id)
    if request.method == "POST":
        form = UpdateForm(request.POST, request.FILES)
    else:
        form = UpdateForm(initial={"as_of": timezone.localdate()})
    if form.is_bound and form.is_valid():
        update, _ = run_service(form, lambda: updates.update_add(
            actor=request.user, action=action, **form.cleaned_data))
        if update:
            messages.success(request, "Your progress update is added.")
            return redirect("oversight:action-detail", slug=slug, action_id=action.pk)
    return render(request, "oversight/update_form.html", {
        "action": action, "case": action.case, "force": action.case.force, "form": form,
    }, status=422 if form.is_bound else 200)


@require_GET
def evidence_download(request: HttpRequest, slug: str, evidence_id: int) -> FileResponse:
    evidence = updates.evidence_for(request.user, slug, evidence_id)
    try:
        stored = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage") from None
    response = FileResponse(stored, as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    # Evidence is only ever a download: never sniffed into HTML, never run as a page.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response

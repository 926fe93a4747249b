"""The PCC's briefing pack: its page, the OPCC's drafting forms, the PCC's approval, and the PDF.

Readers (everyone who may see the case) read, preview and download; the force's OPCC staff
draft; its PCC comments and approves. The rules live in ppog.packs; these views only ask it.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from engage.permissions import can
from oversight.forms import VersionedForm
from oversight.models import Question
from oversight.services import require
from oversight.views.base import render_htmx, run_service
from ppog import packs
from ppog.models import BriefingPack, PackQuestion, PackRender, PackSection

# Forms ----------------------------------------------------------------------------------------

STATEMENT_HINT = (
    "After the Chief Constable has presented, the PCC gives a succinct overview of how they feel "
    "the Chief Constable is making improvements, with any extra context on performance in the "
    "areas of concern. Keep it brief and relevant to the causes of concern.")


class PackForm(VersionedForm):
    marking = forms.ChoiceField(
        label="Protective marking", choices=[(m, m) for m in packs.MARKINGS],
        widget=forms.RadioSelect, help_text="Printed at the top and bottom of every page.",
        error_messages={"required": "Choose the protective marking"})

    class Meta:
        model = BriefingPack
        fields = ["marking", "statement", "barriers", "support"]
        labels = {"statement": "The PCC's overview statement",
                  "barriers": "Barriers to be honest about",
                  "support": "Support received"}
        help_texts = {
            "statement": STATEMENT_HINT,
            "barriers": "Anything that will get in the way of evidencing improvement, and what "
                        "is being done about it. HMICFRS would rather hear it from the PCC.",
            "support": "Help given or needed: the College of Policing, the NPCC, other forces, "
                       "the Home Office, the APCC, or the OPCC itself.",
        }
        widgets = {"statement": forms.Textarea(attrs={"rows": 10}),
                   "barriers": forms.Textarea(attrs={"rows": 5}),
                   "support": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # GOV.UK's character count, counting words: a warning over the limit, never a refusal.
        self.fields["statement"].template_name = "ppog/pack_edit_statement.html"
        self.fields["statement"].word_limit = packs.STATEMENT_WORDS
        self.fields["statement"].widget.attrs["class"] = "govuk-js-character-count"


class SectionsForm(forms.Form):
    """A checkbox and a position for each section; move buttons work without JavaScript."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, pack: BriefingPack, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = pack.sections + [k for k in PackSection.values if k not in pack.sections]
        labels = dict(PackSection.choices)
        for n, key in enumerate(self.order, 1):
            self.fields[f"include_{key}"] = forms.BooleanField(
                label=labels[key], required=False, initial=key in pack.sections)
            self.fields[f"position_{key}"] = forms.IntegerField(
                label=f"Position of {labels[key]}", initial=n, min_value=1, max_value=99,
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-2"}),
                error_messages={"required": f"Enter a position for {labels[key]}",
                                "invalid": f"Enter the position of {labels[key]} as a number"})
        if not self.is_bound:
            self.initial["version"] = pack.version

    def rows(self) -> list[dict]:
        """A row per section; "Up" and "Down" are offered where there is somewhere to move."""
        labels = dict(PackSection.choices)
        included = [key for key in self.order if self[f"include_{key}"].value()]
        return [{"key": key, "label": labels[key], "include": self[f"include_{key}"],
                 "position": self[f"position_{key}"],
                 "up": key in included[1:], "down": key in included[:-1]}
                for key in self.order]

    def sections(self, move: str = "") -> list[str]:
        """The chosen sections in order, with a move ("key:up" or "key:down") applied."""
        data = self.cleaned_data
        ranked = sorted(range(len(self.order)),
                        key=lambda i: (data[f"position_{self.order[i]}"], i))
        chosen = [self.order[i] for i in ranked if data[f"include_{self.order[i]}"]]
        key, _, way = move.partition(":")
        if key in chosen:
            at = chosen.index(key)
            to = at - 1 if way == "up" else at + 1
            if 0 <= to < len(chosen):
                chosen[at], chosen[to] = chosen[to], chosen[at]
        return chosen


AUDIENCES = {"hmicfrs": "For HMICFRS, outside PPOG", "cc": "For the Chief Constable"}


def _bank_label(question: Question) -> str:
    return f"{question.text} (your office's own)" if question.force_id else question.text


class PickForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    hmicfrs = forms.MultipleChoiceField(label=AUDIENCES["hmicfrs"], required=False,
                                        widget=forms.CheckboxSelectMultiple)
    cc = forms.MultipleChoiceField(label=AUDIENCES["cc"], required=False,
                                   widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, bank: list[Question], version: int, **kwargs):
        super().__init__(*args, auto_id="pick-%s", **kwargs)
        for audience in ("hmicfrs", "cc"):
            choices = [(q.pk, _bank_label(q)) for q in bank if q.audience == audience]
            if choices:
                self.fields[audience].choices = choices
            else:
                del self.fields[audience]
        self.initial["version"] = version

    def chosen(self) -> list[int]:
        return [int(pk) for name in ("hmicfrs", "cc") for pk in self.cleaned_data.get(name, [])]


class OwnQuestionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    audience = forms.ChoiceField(label="Who is the question for?",
                                 choices=Question.Audience.choices, widget=forms.RadioSelect,
                                 error_messages={"required": "Choose who the question is for"})
    text = forms.CharField(label="Question", widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="It is added to this pack and kept in your office's own "
                                     "bank of questions for later packs.",
                           error_messages={"required": "Enter the question"})

    def __init__(self, *args, version: int, **kwargs):
        super().__init__(*args, auto_id="own-%s", **kwargs)
        self.initial["version"] = version


class QuestionTextForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "Enter the question, or remove it"})

    def __init__(self, *args, question: PackQuestion, number: int, version: int, **kwargs):
        super().__init__(*args, auto_id=f"q{question.pk}-%s", **kwargs)
        self.question = question
        self.fields["text"].label = f"Question {number}"
        self.fields["text"].help_text = AUDIENCES.get(question.audience, "")
        self.initial.update(version=version, text=question.text)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=[("ready", "Ready for the PCC"), ("draft", "Draft")],
                               error_messages={"required": "Choose the pack's status"})


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={
        "required": "Open the pack and read it again first"})


class ApproveForm(VersionForm):
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={
        "required": "Open the pack and read it before approving"})


class CommentForm(forms.Form):
    section = forms.ChoiceField(choices=PackSection.choices, widget=forms.HiddenInput)
    text = forms.CharField(label="Your comment", widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "Enter your comment"})


def _comment_form(key: str, data=None) -> CommentForm:
    return CommentForm(data, initial={"section": key}, auto_id=f"comment-{key}-%s")


# Helpers --------------------------------------------------------------------------------------

def _pack_url(pack: BriefingPack, name: str = "pack", **kwargs) -> str:
    return reverse(f"ppog:{name}", kwargs={"meeting_id": pack.slot.meeting_id,
                                           "slug": pack.slot.case.force.slug, **kwargs})


def _context(request: HttpRequest, pack: BriefingPack, **extra) -> dict:
    force = pack.slot.case.force
    return {"pack": pack, "slot": pack.slot, "meeting": pack.slot.meeting, "force": force,
            "can_draft": can(request.user, "can_draft_pack", force),
            "can_approve": can(request.user, "can_approve_pack", force),
            "can_comment": can(request.user, "can_comment_on_case", force), **extra}


def _can_render(request: HttpRequest, pack: BriefingPack) -> bool:
    force = pack.slot.case.force
    return can(request.user, "can_draft_pack", force) or can(request.user, "can_approve_pack",
                                                             force)


def _saved(request: HttpRequest, before: BriefingPack, after: BriefingPack, what: str) -> None:
    if before.is_approved and not after.is_approved:
        messages.warning(request, f"{what} Approval withdrawn: the pack changed after the "
                                  f"PCC approved version {before.approved_version}, so the PCC "
                                  f"needs to read and approve version {after.version}.")
    else:
        messages.success(request, what)


def _pack_page(request: HttpRequest, pack: BriefingPack, *, error_form=None, status: int = 200,
               **extra) -> HttpResponse:
    page = packs.pack_page(pack)
    if can(request.user, "can_comment_on_case", pack.slot.case.force):
        for section in page["sections"]:
            section.comment_form = extra.pop(f"comment_{section.key}", None) \
                or _comment_form(section.key)
    context = _context(request, pack, **page, error_form=error_form,
                       can_render=_can_render(request, pack), **extra)
    return render(request, "ppog/pack_detail.html", context, status=status)


# Reading --------------------------------------------------------------------------------------

@require_GET
def pack_detail(request: HttpRequest, meeting_id: int, slug: str) -> HttpResponse:
    return _pack_page(request, packs.pack_for(request.user, meeting_id, slug))


@require_GET
def pack_preview(request: HttpRequest, meeting_id: int, slug: str) -> HttpResponse:
    from ppog.pack_content import render_html

    pack = packs.pack_for(request.user, meeting_id, slug)
    response = HttpResponse(render_html(pack))
    response["Cache-Control"] = "private, no-store"
    return response


# Drafting -------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def pack_edit(request: HttpRequest, meeting_id: int, slug: str) -> HttpResponse:
    pack = packs.draftable_pack(request.user, meeting_id, slug)
    form = PackForm(request.POST or None, instance=pack)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            saved, status = run_service(form, lambda: packs.pack_update(
                actor=request.user, pack=pack, version=form.cleaned_data["version"], data=data))
            if saved:
                _saved(request, pack, saved, "The pack is saved.")
                return redirect(_pack_url(pack))
    return render(request, "ppog/pack_edit.html", _context(request, pack, form=form),
                  status=status)


@require_http_methods(["GET", "POST"])
def pack_sections(request: HttpRequest, meeting_id: int, slug: str) -> HttpResponse:
    pack = packs.draftable_pack(request.user, meeting_id, slug)
    form = SectionsForm(request.POST or None, pack=pack)
    status = 200
    if request.method == "POST":
        status = 422
        move = request.POST.get("move", "")
        if form.is_valid():
            saved, status = run_service(form, lambda: packs.pack_sections_set(
                actor=request.user, pack=pack, version=form.cleaned_data["version"],
                sections=form.sections(move)))
            if saved:
                _saved(request, pack, saved, "The sections are saved.")
                if move:
                    row = move.partition(":")[0]
                    return redirect(_pack_url(pack, "pack-sections") + f"#row-{row}")
                return redirect(_pack_url(pack))
    return render(request, "ppog/pack_sections.html", _context(request, pack, form=form),
                  status=status)


def _question_forms(pack: BriefingPack, bound: forms.Form | None = None) -> dict:
    version = pack.version
    questions = list(pack.questions.all())
    edits = [bound if isinstance(bound, QuestionTextForm) and bound.question.pk == q.pk
             else QuestionTextForm(question=q, number=n, version=version)
             for n, q in enumerate(questions, 1)]
    return {
        "edit_forms": edits,
        "pick_form": bound if isinstance(bound, PickForm)
        else PickForm(bank=packs.bank_for(pack), version=version),
        "own_form": bound if isinstance(bound, OwnQuestionForm)
        else OwnQuestionForm(version=version),
        "form": bound,
    }


def _question_post(request: HttpRequest, pack: BriefingPack):
    """The form the POST is for, and the service call that saves it."""
    step, post, user = request.POST.get("step", "pick"), request.POST, request.user
    if step == "add":
        form = OwnQuestionForm(post, version=pack.version)
        return form, lambda d: packs.pack_question_add(
            actor=user, pack=pack, version=d["version"], audience=d["audience"], text=d["text"])
    if step.startswith("edit-") and step[5:].isdigit():
        questions = list(pack.questions.all())
        number, question = next(((n, q) for n, q in enumerate(questions, 1)
                                 if q.pk == int(step[5:])), (None, None))
        if question is None:
            raise Http404("No such question in this pack")
        form = QuestionTextForm(post, question=question, number=number, version=pack.version)
        return form, lambda d: packs.pack_question_edit(
            actor=user, pack=pack, question=question, version=d["version"], text=d["text"])
    form = PickForm(post, bank=packs.bank_for(pack), version=pack.version)
    return form, lambda d: packs.pack_questions_pick(
        actor=user, pack=pack, version=d["version"], question_ids=form.chosen())


@require_http_methods(["GET", "POST"])
def pack_questions(request: HttpRequest, meeting_id: int, slug: str) -> HttpResponse:
    pack = packs.draftable_pack(request.user, meeting_id, slug)
    bound, status = None, 200
    if request.method == "POST":
        bound, call = _question_post(request, pack)
        status = 422
        if bound.is_valid():
            done, status = run_service(bound, lambda: call(bound.cleaned_data))
            if done:
                after = packs.reloaded(pack)
                _saved(request, pack, after, "The lines of questioning are saved.")
                return redirect(_pack_url(pack, "pack-questions"))
    return render(request, "ppog/pack_questions.html",
                  _context(request, pack, **_question_forms(pack, bound)), status=status)


@require_POST
def pack_question_delete(request: HttpRequest, meeting_id: int, slug: str,
                         question_id: int) -> HttpResponse:
    pack = packs.draftable_pack(request.user, meeting_id, slug)
    question = pack.questions.filter(pk=question_id).first()
    if question is None:
        raise Http404("No such question in this pack")
    form = VersionForm(request.POST)
    # A bare "Remove" (no version) removes from the pack as it is now.
    version = form.cleaned_data["version"] if form.is_valid() else pack.version
    done, status = run_service(form, lambda: packs.pack_question_remove(
        actor=request.user, pack=pack, question=question, version=version) or True)
    if done:
        after = packs.reloaded(pack)
        _saved(request, pack, after, "The question is removed from the pack.")
        return redirect(_pack_url(pack, "pack-questions"))
    return render(request, "ppog/pack_questions.html",
                  _context(request, pack, **{**_question_forms(pack), "form": form}),
                  status=status)


# Review and approval --------------------------------------------------------------------------

@require_POST
def pack_status(request: HttpRequest, meeting_id: int, slug: str) -> HttpResponse:
    pack = packs.draftable_pack(request.user, meeting_id, slug)
    form = StatusForm(request.POST)
    if form.is_valid():
        saved, status = run_service(form, lambda: packs.pack_status_set(
            actor=request.user, pack=pack, status=form.cleaned_data["status"]))
        if saved:
            messages.success(request, "The pack is ready for the PCC." if saved.status == "ready"
                             else "The pack is back in draft.")
            return redirect(_pack_url(pack))
    return _pack_page(request, pack, error_form=form, status=422)


@require_POST
def pack_approve(request: HttpRequest, meeting_id: int, slug: str) -> HttpResponse:
    pack = packs.pack_for(request.user, meeting_id, slug)
    require(request.user, "can_approve_pack", pack.slot.case.force)
    form = ApproveForm(request.POST)
    status = 422
    if form.is_valid():
        saved, status = run_service(form, lambda: packs.pack_approve(
            actor=request.user, pack=pack, version=form.cleaned_data["version"]))
        if saved:
            messages.success(request, f"You approved version {saved.approved_version}.")
            return redirect(_pack_url(pack))
        if any(e.code == "stale" for e in form.errors.as_data().get("__all__", [])):
            status = 409
    pack = packs.pack_for(request.user, meeting_id, slug)
    return _pack_page(request, pack, error_form=form, status=status)


@require_POST
def pack_comment(request: HttpRequest, meeting_id: int, slug: str) -> HttpResponse:
    pack = packs.pack_for(request.user, meeting_id, slug)
    require(request.user, "can_comment_on_case", pack.slot.case.force)
    key = request.POST.get("section", "")
    form = _comment_form(key if key in PackSection.values else "none", request.POST)
    if form.is_valid():
        saved, _ = run_service(form, lambda: packs.pack_comment_add(
            actor=request.user, pack=pack, **form.cleaned_data))
        if saved:
            messages.success(request, "Your comment is added.")
            return redirect(_pack_url(pack) + f"#section-{saved.section}")
    return _pack_page(request, pack, error_form=form, status=422, **{f"comment_{key}": form})


# The PDF --------------------------------------------------------------------------------------

@require_POST
def pack_render(request: HttpRequest, meeting_id: int, slug: str) -> HttpResponse:
    pack = packs.pack_for(request.user, meeting_id, slug)
    if not _can_render(request, pack):
        raise PermissionDenied
    form = forms.Form(request.POST)
    issue = request.POST.get("issue") == "1"
    made, status = run_service(form, lambda: packs.pack_render_request(
        actor=request.user, pack=pack, issue=issue))
    if made is None:
        if request.htmx:
            return render(request, "ppog/pack_render_status.html#refused",
                          {"form": form}, status=status)
        return _pack_page(request, pack, error_form=form, status=status)
    if request.htmx:
        made.refresh_from_db()
        return _render_status(request, pack, made)
    return redirect(_pack_url(pack, "pack-render-status", render_id=made.pk))


def _render_status(request: HttpRequest, pack: BriefingPack, made: PackRender) -> HttpResponse:
    context = _context(request, pack, render=made, issued=packs.render_issued(made),
                       polling=made.state in (PackRender.State.QUEUED, PackRender.State.RUNNING))
    response = render_htmx(request, "ppog/pack_render_status.html", context, partial="status")
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def pack_render_status(request: HttpRequest, meeting_id: int, slug: str,
                       render_id: int) -> HttpResponse:
    made = packs.render_for(request.user, meeting_id, slug, render_id)
    return _render_status(request, made.pack, made)


def _pdf_response(file, filename: str) -> FileResponse:
    try:
        stored = file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The PDF is missing from storage") from None
    response = FileResponse(stored, as_attachment=True, filename=filename,
                            content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def pack_download(request: HttpRequest, meeting_id: int, slug: str, render_id: int) -> FileResponse:
    made = packs.render_for(request.user, meeting_id, slug, render_id)
    if made.state != PackRender.State.DONE or not made.pdf:
        raise Http404("This PDF is not ready")
    return _pdf_response(made.pdf, packs.issued_filename(made.pack, made.pack_version,
                                                         "-not-issued"))


@require_GET
def pack_issued(request: HttpRequest, meeting_id: int, slug: str, issued_id: int) -> FileResponse:
    issued = packs.issued_for(request.user, meeting_id, slug, issued_id)
    response = _pdf_response(issued.pdf, packs.issued_filename(issued.pack, issued.pack_version))
    response["ETag"] = f'"{issued.sha256}"'
    return response

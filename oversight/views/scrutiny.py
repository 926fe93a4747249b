"""The OPCC's scrutiny log, its question bank, and the link from an assured position to the
scrutiny behind it. Under /forces/<slug>/: the force's OPCC writes, its PCC, APCC leads and
admins read, anyone else gets 404.

The forms live here rather than in ``oversight/forms.py`` because only these views use them.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from engage.permissions import can
from forces.models import Force
from oversight import scrutiny, selectors
from oversight.forms import DateInput, VersionedForm
from oversight.models import FollowUp, Question, QuestionAsked, ScrutinyActivity
from oversight.views.base import render_htmx, run_service

VERDICT_CHOICES = [("", "Not judged yet"), *QuestionAsked.Verdict.choices]

# Forms -----------------------------------------------------------------------------------------


class ActivityForm(VersionedForm):
    formal = forms.TypedChoiceField(
        label="Formal or informal", widget=forms.RadioSelect,
        coerce=lambda value: value in (True, "True"),
        choices=[(True, "Formal: minuted, in the office's governance"), (False, "Informal")],
        error_messages={"required": "Choose formal or informal"})

    class Meta:
        model = ScrutinyActivity
        fields = ["kind", "date", "formal", "stance", "title", "summary", "concerns"]
        widgets = {"kind": forms.RadioSelect, "date": DateInput, "stance": forms.RadioSelect,
                   "summary": forms.Textarea(attrs={"rows": 6}),
                   "concerns": forms.CheckboxSelectMultiple}
        labels = {"kind": "Kind of scrutiny", "date": "Date held",
                  "stance": "Challenge or support", "summary": "Summary (optional)",
                  "concerns": "Causes of concern covered"}
        help_texts = {"title": "For example, Accountability board: 999 call handling",
                      "summary": "What was discussed and what the office concluded"}
        error_messages = {"kind": {"required": "Choose the kind of scrutiny"},
                          "title": {"required": "Enter a title for the activity"},
                          "date": {"required": "Enter the date it was held",
                                   "invalid": "Enter a real date, like 27 3 2025"}}

    def __init__(self, *args, concerns: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ScrutinyActivity.Kind.choices
        if concerns:
            self.fields["concerns"].queryset = self.fields["concerns"].queryset.filter(
                pk__in=[c.pk for c in concerns])
        else:
            del self.fields["concerns"]
        if not self.instance.pk:
            del self.fields["version"]


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", required=False,
                             choices=[("", "Any kind"), *ScrutinyActivity.Kind.choices])
    concern = forms.TypedChoiceField(label="Cause of concern", required=False, coerce=int,
                                     empty_value=None)
    date_from = forms.DateField(label="From", required=False, widget=DateInput)
    date_to = forms.DateField(label="To", required=False, widget=DateInput)

    def __init__(self, *args, concerns: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concern"].choices = [("", "Any cause of concern")] + [
            (c.pk, str(c)) for c in concerns]

    def filters(self) -> scrutiny.ActivityFilters:
        """The valid filters; a malformed one (such as a date typed by hand) is left out."""
        self.is_valid()
        data = self.cleaned_data
        return scrutiny.ActivityFilters(kind=data.get("kind") or "", concern=data.get("concern"),
                                        date_from=data.get("date_from"),
                                        date_to=data.get("date_to"))


class AskForm(forms.Form):
    question = forms.ChoiceField(
        label="Choose a question from the bank", required=False,
        help_text="The APCC toolkit’s lines of questioning (appendix B) and the office’s own",
        widget=forms.Select(attrs={"class": "govuk-!-width-full"}))
    text = forms.CharField(label="Or type a new question", required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    save_to_bank = forms.BooleanField(
        label="Keep the new question in the office’s question bank", required=False,
        help_text="Other forces never see the office’s own questions.")
    audience = forms.ChoiceField(label="Who is the new question for?", required=False,
                                 widget=forms.RadioSelect, choices=Question.Audience.choices,
                                 help_text="Needed if you keep it in the bank")
    answer = forms.CharField(label="Answer (optional)", required=False,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="What you were told. You can add it later.")
    satisfactory = forms.ChoiceField(label="Was the answer satisfactory?", required=False,
                                     widget=forms.RadioSelect, choices=VERDICT_CHOICES)

    def __init__(self, *args, bank: list[scrutiny.BankGroup], **kwargs):
        super().__init__(*args, **kwargs)
        self.bank = {e.question.pk: e.question for g in bank for e in [*g.shared, *g.own]}
        self.fields["question"].choices = [("", "None: I will type a new question")] + [
            (group.heading, [(e.question.pk, e.question.text) for e in [*group.shared, *group.own]])
            for group in bank]

    def clean_question(self) -> Question | None:
        return self.bank.get(int(self.cleaned_data["question"] or 0))

    def clean(self):
        data = super().clean()
        if "question" in data and not (data["question"] or data.get("text", "").strip()):
            self.add_error("question", "Choose a question from the bank or type a new one")
        elif data.get("question") and data.get("text", "").strip():
            self.add_error("text", "Type a new question only if none is chosen from the bank")
        return data


class AnswerForm(forms.ModelForm):
    satisfactory = forms.ChoiceField(label="Was the answer satisfactory?", required=False,
                                     widget=forms.RadioSelect, choices=VERDICT_CHOICES)

    class Meta:
        model = QuestionAsked
        fields = ["answer", "satisfactory"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 6})}


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["text", "owner", "due"]
        widgets = {"due": DateInput}
        labels = {"text": "What is to be followed up", "owner": "Who will do it", "due": "Due by"}
        help_texts = {"owner": "A person or team, in the force or the office"}
        error_messages = {"text": {"required": "Enter what is to be followed up"},
                          "owner": {"required": "Enter who will do it"},
                          "due": {"required": "Enter the date it is due",
                                  "invalid": "Enter a real date, like 27 3 2025"}}


class DoneForm(forms.Form):
    done = forms.TypedChoiceField(choices=[("true", "Done"), ("false", "Not done")],
                                  coerce=lambda value: value == "true")


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["audience", "text"]
        widgets = {"audience": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 4})}
        labels = {"audience": "Who is it for?", "text": "Question"}
        error_messages = {"audience": {"required": "Choose who the question is for"},
                          "text": {"required": "Enter the question"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = Question.Audience.choices


class LinkForm(forms.Form):
    activity = forms.TypedChoiceField(label="Scrutiny activity", coerce=int,
                                      error_messages={"required": "Choose a scrutiny activity"})

    def __init__(self, *args, activities: list[ScrutinyActivity], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [("", "Choose an activity")] + [
            (a.pk, f"{a.date:%-d %b %Y}: {a.title}") for a in activities]


# Helpers ---------------------------------------------------------------------------------------


def _force(request: HttpRequest, slug: str, *, edit: bool = False) -> Force:
    """The force if the user may see it (else 404), and may write to it when ``edit`` (else 403)."""
    force = selectors.force_for(request.user, slug)
    if edit and not can(request.user, "can_edit_case", force):
        raise PermissionDenied
    return force


def _posted(request: HttpRequest):
    """The POST data, even when empty (so a blank submission is checked, not shown afresh)."""
    return request.POST if request.method == "POST" else None


def _form_page(request: HttpRequest, template: str, context: dict, form, call,
               done) -> HttpResponse:
    """GET shows the form. A valid POST calls ``call(cleaned_data)``; on success ``done(result)``
    gives the message and the page to go to, and a refusal re-shows what the user typed."""
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            result, status = run_service(form, lambda: call(dict(form.cleaned_data)))
            if result:
                message, url = done(result)
                messages.success(request, message)
                return redirect(url)
    return render(request, template, {**context, "form": form}, status=status)


def _detail_url(activity: ScrutinyActivity, anchor: str = "") -> str:
    url = reverse("oversight:scrutiny-detail", args=[activity.force.slug, activity.pk])
    return f"{url}#{anchor}" if anchor else url


# The log ---------------------------------------------------------------------------------------


@require_GET
def scrutiny_list(request: HttpRequest, slug: str) -> HttpResponse:
    force = _force(request, slug)
    form = FilterForm(request.GET or None, concerns=scrutiny.force_concerns(force))
    filters = form.filters() if form.is_bound else scrutiny.ActivityFilters()
    page = scrutiny.activity_page(force, filters, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_htmx(request, "oversight/scrutiny_list.html", {
        "force": force, "filter_form": form, "filters": filters, "page": page,
        "activities": page.object_list, "page_query": query.urlencode(),
        "has_any": bool(page.paginator.count) or scrutiny.has_activities(force),
        "can_edit": can(request.user, "can_edit_case", force),
    }, partial="results")


@require_GET
def scrutiny_detail(request: HttpRequest, slug: str, activity_id: int) -> HttpResponse:
    activity = scrutiny.activity_for(_force(request, slug), activity_id)
    return render(request, "oversight/scrutiny_detail.html", {
        **scrutiny.activity_detail(activity),
        "can_edit": can(request.user, "can_edit_case", activity.force)})


def _activity_form(request: HttpRequest, slug: str, activity_id: int | None) -> HttpResponse:
    force = _force(request, slug, edit=True)
    activity = scrutiny.activity_for(force, activity_id) if activity_id else None
    form = ActivityForm(_posted(request), instance=activity,
                        concerns=scrutiny.force_concerns(force),
                        initial=None if activity else {"date": timezone.localdate()})
    if activity:
        call = lambda data: scrutiny.activity_update(  # noqa: E731
            actor=request.user, activity=activity, version=data.pop("version"), data=data)
    else:
        call = lambda data: scrutiny.activity_create(actor=request.user, force=force, data=data)  # noqa: E731
    return _form_page(request, "oversight/scrutiny_form.html",
                      {"force": force, "activity": activity}, form, call,
                      lambda a: (f"“{a.title}” is saved.", _detail_url(a)))


@require_http_methods(["GET", "POST"])
def scrutiny_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _activity_form(request, slug, None)


@require_http_methods(["GET", "POST"])
def scrutiny_edit(request: HttpRequest, slug: str, activity_id: int) -> HttpResponse:
    return _activity_form(request, slug, activity_id)


# Questions asked and follow-ups ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def scrutiny_question_create(request: HttpRequest, slug: str, activity_id: int) -> HttpResponse:
    force = _force(request, slug, edit=True)
    activity = scrutiny.activity_for(force, activity_id)
    form = AskForm(_posted(request), bank=scrutiny.question_bank(force),
                   initial={"satisfactory": ""})
    call = lambda data: scrutiny.question_ask(  # noqa: E731
        actor=request.user, activity=activity, question=data["question"], text=data["text"],
        answer=data["answer"], satisfactory=data["satisfactory"],
        save_to_bank=data["save_to_bank"], audience=data["audience"])
    return _form_page(request, "oversight/scrutiny_question_form.html",
                      {"force": force, "activity": activity}, form, call,
                      lambda asked: ("The question is added.",
                                     _detail_url(activity, f"question-{asked.pk}")))


@require_http_methods(["GET", "POST"])
def scrutiny_question_edit(request: HttpRequest, slug: str, asked_id: int) -> HttpResponse:
    asked = scrutiny.asked_for(_force(request, slug, edit=True), asked_id)
    form = AnswerForm(_posted(request), instance=asked)
    call = lambda data: scrutiny.question_answer(  # noqa: E731
        actor=request.user, asked=asked, answer=data["answer"],
        satisfactory=data["satisfactory"])
    return _form_page(request, "oversight/scrutiny_answer_form.html",
                      {"force": asked.activity.force, "activity": asked.activity, "asked": asked},
                      form, call, lambda a: ("The answer is saved.",
                                             _detail_url(a.activity, f"question-{a.pk}")))


@require_http_methods(["GET", "POST"])
def follow_up_create(request: HttpRequest, slug: str, activity_id: int) -> HttpResponse:
    force = _force(request, slug, edit=True)
    activity = scrutiny.activity_for(force, activity_id)
    form = FollowUpForm(_posted(request))
    call = lambda data: scrutiny.follow_up_add(actor=request.user, activity=activity, **data)  # noqa: E731
    return _form_page(request, "oversight/scrutiny_follow_up_form.html",
                      {"force": force, "activity": activity}, form, call,
                      lambda f: ("The follow-up is added.", _detail_url(activity, "follow-ups")))


@require_POST
def follow_up_done(request: HttpRequest, slug: str, follow_up_id: int) -> HttpResponse:
    """Mark a follow-up done or not: htmx gets the row back, others the activity page."""
    follow_up = scrutiny.follow_up_for(_force(request, slug, edit=True), follow_up_id)
    form = DoneForm(request.POST)
    error = None if form.is_valid() else "Choose whether the follow-up is done"
    if not error:
        follow_up = scrutiny.follow_up_set_done(actor=request.user, follow_up=follow_up,
                                                done=form.cleaned_data["done"])
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"“{follow_up}” is marked as "
                                      f"{'done' if follow_up.done else 'not done'}.")
        return redirect(_detail_url(follow_up.activity, "follow-ups"))
    return render(request, "oversight/scrutiny_detail.html#follow-up-row", {
        "follow_up": follow_up, "force": follow_up.activity.force, "can_edit": True,
        "today": timezone.localdate(), "row_error": error, "saved": not error,
    }, status=422 if error else 200)


# The question bank -----------------------------------------------------------------------------


@require_GET
def question_bank(request: HttpRequest, slug: str) -> HttpResponse:
    force = _force(request, slug)
    return render(request, "oversight/questions_bank.html", {
        "force": force, "groups": scrutiny.question_bank(force),
        "can_edit": can(request.user, "can_edit_case", force)})


@require_http_methods(["GET", "POST"])
def question_create(request: HttpRequest, slug: str) -> HttpResponse:
    force = _force(request, slug, edit=True)
    form = QuestionForm(_posted(request), initial={"audience": request.GET.get("audience")})
    call = lambda data: scrutiny.question_create(actor=request.user, force=force, **data)  # noqa: E731
    return _form_page(request, "oversight/questions_form.html", {"force": force}, form, call,
                      lambda q: ("Your question is added to the bank.", _bank_url(q)))


@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    question = scrutiny.question_for(_force(request, slug, edit=True), question_id)
    if question.force_id is None:
        raise PermissionDenied("The toolkit's questions are shared and cannot be changed")
    if request.method == "POST" and "delete" in request.POST:
        try:
            scrutiny.question_delete(actor=request.user, question=question)
        except ValidationError as refusal:
            form = QuestionForm({"audience": question.audience, "text": question.text},
                                instance=question)
            form.is_valid()
            form.add_error(None, refusal)
            return render(request, "oversight/questions_form.html",
                          {**_question_context(question), "form": form}, status=422)
        messages.success(request, "The question is deleted.")
        return redirect(reverse("oversight:question-bank", args=[slug]))
    form = QuestionForm(_posted(request), instance=question)
    call = lambda data: scrutiny.question_update(actor=request.user, question=question, **data)  # noqa: E731
    return _form_page(request, "oversight/questions_form.html", _question_context(question),
                      form, call, lambda q: ("Your question is saved.", _bank_url(q)))


def _bank_url(question: Question) -> str:
    return reverse("oversight:question-bank", args=[question.force.slug]) + f"#q-{question.pk}"


def _question_context(question: Question) -> dict:
    asked, packs = scrutiny.question_uses(question)
    return {"force": question.force, "question": question, "asked": asked, "packs": packs}


# Assured positions -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def position_activity(request: HttpRequest, slug: str, position_id: int) -> HttpResponse:
    position = scrutiny.opcc_position_for(_force(request, slug, edit=True), position_id)
    concern = scrutiny.position_concern(position)
    activities = {a.pk: a for a in scrutiny.activities_for_concern(concern)}
    form = LinkForm(_posted(request), activities=list(activities.values()),
                    initial={"activity": position.activity_id})
    call = lambda data: scrutiny.position_link_activity(  # noqa: E731
        actor=request.user, position=position, activity=activities[data["activity"]])
    return _form_page(request, "oversight/scrutiny_position_form.html",
                      {"force": concern.case.force, "position": position, "concern": concern,
                       "has_activities": bool(activities)}, form, call,
                      lambda p: (f"The OPCC position is linked to “{p.activity.title}”.",
                                 reverse("oversight:concern-detail", args=[slug, concern.pk])))

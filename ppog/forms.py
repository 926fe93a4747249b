from __future__ import annotations

from django import forms

from oversight.forms import DateInput
from oversight.models import EngageCase
from ppog.models import Meeting, Outcome, PreMeet, ReviewPoint, Slot


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["date", "place", "online", "notes"]
        widgets = {"date": DateInput, "notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"online": "The meeting is online"}
        error_messages = {"date": {"required": "Enter the date of the meeting"}}


class SlotForm(forms.ModelForm):
    case = forms.ModelChoiceField(queryset=EngageCase.objects.none(), label="Force",
                                  empty_label="Choose a force in Engage",
                                  error_messages={"required": "Choose the force the slot is for"})

    class Meta:
        model = Slot
        fields = ["case", "starts", "attendees"]
        widgets = {"starts": forms.TimeInput(attrs={"type": "time"}),
                   "attendees": forms.Textarea(attrs={"rows": 3})}
        labels = {"starts": "Slot starts at"}

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda c: c.force.name


class SlotNotesForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Slot
        fields = ["starts", "attendees", "notes"]
        widgets = {"starts": forms.TimeInput(attrs={"type": "time"}),
                   "attendees": forms.Textarea(attrs={"rows": 3}),
                   "notes": forms.Textarea(attrs={"rows": 8})}
        labels = {"starts": "Slot starts at"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["decision", "decided_on", "letter_url", "summary"]
        widgets = {"decision": forms.RadioSelect, "decided_on": DateInput,
                   "summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"decided_on": "HMCI decides after the meeting, never in it.",
                      "decision": "Returning to Scan closes the Engage case and ends the "
                                  "force's Engage period on the decision date."}
        error_messages = {"decision": {"required": "Choose HMCI's decision"},
                          "decided_on": {"required": "Enter the date of the decision"}}


class ReviewPointForm(forms.ModelForm):
    class Meta:
        model = ReviewPoint
        fields = ["due", "expectation"]
        widgets = {"due": DateInput, "expectation": forms.Textarea(attrs={"rows": 3})}
        labels = {"due": "Review point date"}
        error_messages = {"due": {"required": "Enter the date of the review point"},
                          "expectation": {"required": "Enter what HMCI expects by then"}}


class PreMeetForm(forms.ModelForm):
    class Meta:
        model = PreMeet
        fields = ["status", "date", "notes", "messages"]
        widgets = {"status": forms.RadioSelect, "date": DateInput,
                   "notes": forms.Textarea(attrs={"rows": 3}),
                   "messages": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, apcc: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not apcc:
            # The force's office answers the APCC's offer; the APCC keeps the rest.
            del self.fields["date"], self.fields["notes"]
            self.fields["status"].choices = [("accepted", "Accept the offer"),
                                             ("declined", "Decline the offer")]

"""The OPCC's own scrutiny: how the office holds the Chief Constable to account."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from engage.audit import AuditedModel
from forces.models import Force


class ScrutinyActivity(AuditedModel):
    class Kind(models.TextChoices):
        ACCOUNTABILITY_BOARD = "board", "Accountability board"
        PERFORMANCE_MEETING = "performance", "Performance meeting"
        INFORMAL_CC = "informal_cc", "Informal meeting with the Chief Constable"
        HMI_FLL = "hmi_fll", "Meeting with the HMI or FLL"
        IMPROVEMENT_BOARD = "improvement_board", "Improvement board observed"
        REALITY_TESTING = "reality_testing", "Reality-testing visit"
        AUDIT = "audit", "Audit or assurance review"

    class Stance(models.TextChoices):
        CHALLENGE = "challenge", "Challenge"
        SUPPORT = "support", "Support"
        BOTH = "both", "Challenge and support"

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="scrutiny")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField()
    formal = models.BooleanField(default=True)
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.CHALLENGE)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    concerns = models.ManyToManyField("oversight.CauseOfConcern", blank=True,
                                      related_name="scrutiny")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "scrutiny activities"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.date:%-d %B %Y}"


class QuestionAsked(AuditedModel):
    """A question put in a scrutiny activity, its answer and whether it satisfied the office."""

    class Verdict(models.TextChoices):
        YES = "yes", "Satisfactory"
        PARTLY = "partly", "Partly satisfactory"
        NO = "no", "Not satisfactory"

    activity = models.ForeignKey(ScrutinyActivity, on_delete=models.CASCADE,
                                 related_name="questions")
    question = models.ForeignKey("oversight.Question", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="asked")
    text = models.TextField()
    answer = models.TextField(blank=True)
    satisfactory = models.CharField(max_length=6, choices=Verdict.choices, blank=True)

    class Meta:
        ordering = ["activity", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class FollowUp(AuditedModel):
    activity = models.ForeignKey(ScrutinyActivity, on_delete=models.CASCADE,
                                 related_name="follow_ups")
    text = models.CharField(max_length=300)
    owner = models.CharField(max_length=150)
    due = models.DateField()
    done = models.BooleanField(default=False)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.text


class HmicfrsReport(AuditedModel):
    """An HMICFRS report about the force: the PCC must publish comments within 56 days of
    publication (Police Act 1996, s55(5))."""

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="hmicfrs_reports")
    title = models.CharField(max_length=300)
    url = models.URLField(blank=True)
    published = models.DateField()
    response_published = models.DateField("PCC's comments published", null=True, blank=True)
    response_url = models.URLField("Link to the published comments", blank=True)

    class Meta:
        ordering = ["-published"]

    def __str__(self) -> str:
        return self.title

    @property
    def comments_due(self):
        import datetime

        return self.published + datetime.timedelta(days=56)

"""The Engage case: what an OPCC keeps of its force's way out of Engage.

In the toolkit's words: HMIs set out *causes of concern* (each with one or more
*recommendations*); the Chief Constable does a *root cause analysis* and writes an
*improvement plan*; the PCC oversees it. Every model here is audited, and the ones people edit
together carry a ``version`` so that a second, stale save is refused rather than overwriting.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from engage.audit import AuditedModel
from forces.models import AreaForImprovement, Force, MonitoringPeriod, PeelArea


class Versioned(models.Model):
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class EngageCase(AuditedModel, Versioned):
    """A force's period in Engage, and everything kept about it. Closes when it returns to Scan."""

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="cases")
    period = models.OneToOneField(MonitoringPeriod, on_delete=models.PROTECT, related_name="case")
    letter_url = models.URLField("HMI's letter", blank=True)
    letter_summary = models.TextField(
        "What the letter set out", blank=True,
        help_text="The causes of concern and the reasons the HMI gave for moving the force into Engage.")
    decision_published = models.DateField("Decision published", null=True, blank=True)
    hmi_name = models.CharField("HMI at the time", max_length=150, blank=True)
    fll_name = models.CharField("Force Liaison Lead at the time", max_length=150, blank=True)
    rca_summary = models.TextField(
        "Root cause analysis", blank=True,
        help_text="A summary of the Chief Constable's root cause analysis.")
    rca_received = models.DateField("Analysis received", null=True, blank=True)

    class Meta:
        ordering = ["-period__start"]

    def __str__(self) -> str:
        return f"{self.force}: Engage {self.period.label}"

    @property
    def is_open(self) -> bool:
        return self.period.end is None or self.period.end > datetime.date.today()


class Source(models.TextChoices):
    PEEL = "peel", "PEEL inspection"
    INSPECTION = "inspection", "Another HMICFRS inspection"
    S54 = "s54", "Inspection the PCC asked for (s54(2BA) Police Act 1996)"
    ENGAGEMENT = "engagement", "Routine engagement"


class Priority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class CauseOfConcern(AuditedModel, Versioned):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DISCHARGED = "discharged", "Discharged"

    case = models.ForeignKey(EngageCase, on_delete=models.CASCADE, related_name="concerns")
    reference = models.CharField(max_length=20, blank=True, help_text="e.g. CoC 1")
    title = models.CharField(max_length=200)
    wording = models.TextField("HMICFRS wording")
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.PEEL)
    accelerated = models.BooleanField(
        default=False, help_text="Reported early, before the inspection report was published.")
    raised = models.DateField("Date raised")
    peel_area = models.ForeignKey(PeelArea, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name="PEEL area")
    areas_for_improvement = models.ManyToManyField(AreaForImprovement, blank=True,
                                                   related_name="concerns")
    priority = models.CharField(max_length=6, choices=Priority.choices, default=Priority.HIGH)
    threshold = models.TextField(
        "Threshold for sufficient improvement", blank=True,
        help_text="What HMICFRS will need to see to discharge it. Seek clarity if none is agreed.")
    threshold_agreed = models.DateField("Threshold agreed with HMICFRS on", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    discharged = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["case", "reference", "raised", "id"]
        verbose_name_plural = "causes of concern"

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()


class Recommendation(AuditedModel, Versioned):
    class HmicfrsStatus(models.TextChoices):
        AWAITING_REVIEW = "awaiting", "Awaiting review"
        BEING_PROGRESSED = "progressing", "Being progressed"
        COMPLETE = "complete", "Complete"
        NO_FURTHER_ACTION = "nfa", "No further action needed"

    concern = models.ForeignKey(CauseOfConcern, on_delete=models.CASCADE,
                                related_name="recommendations")
    reference = models.CharField(max_length=20, blank=True, help_text="e.g. 1.2")
    text = models.TextField()
    due = models.DateField(null=True, blank=True)
    hmicfrs_status = models.CharField("HMICFRS status", max_length=12,
                                      choices=HmicfrsStatus.choices,
                                      default=HmicfrsStatus.AWAITING_REVIEW)

    class Meta:
        ordering = ["concern", "reference", "id"]

    def __str__(self) -> str:
        return f"Recommendation {self.reference}".strip()


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class Position(AuditedModel):
    """One side's view of a cause of concern or recommendation, as of a date. Never edited:
    a new statement is a new row, so the history of each side's view is kept."""

    class Side(models.TextChoices):
        FORCE = "force", "Force reports"
        OPCC = "opcc", "OPCC assured"
        HMICFRS = "hmicfrs", "HMICFRS position"

    concern = models.ForeignKey(CauseOfConcern, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="positions")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, null=True,
                                       blank=True, related_name="positions")
    side = models.CharField(max_length=8, choices=Side.choices)
    rag = models.CharField("RAG", max_length=5, choices=Rag.choices)
    statement = models.TextField()
    as_of = models.DateField("As of")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    activity = models.ForeignKey(
        "oversight.ScrutinyActivity", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="positions", help_text="The scrutiny activity that supports this position.")

    class Meta:
        ordering = ["-as_of", "-id"]
        constraints = [
            models.CheckConstraint(
                name="position_of_one_thing",
                condition=(Q(concern__isnull=False, recommendation__isnull=True)
                           | Q(concern__isnull=True, recommendation__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()}: {self.get_rag_display()} as of {self.as_of}"


class Action(AuditedModel, Versioned):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        OFF_TRACK = "off_track", "Off track"
        COMPLETE = "complete", "Complete"

    case = models.ForeignKey(EngageCase, on_delete=models.CASCADE, related_name="actions")
    reference = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.CharField(max_length=150, help_text="The person or team in the force who owns it.")
    due = models.DateField("Due date")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    completed = models.DateField(null=True, blank=True)
    is_milestone = models.BooleanField(default=False,
                                       help_text="Show on the force's timeline.")
    concerns = models.ManyToManyField(CauseOfConcern, blank=True, related_name="actions")
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="actions")

    class Meta:
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["case", "due"]), models.Index(fields=["case", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()


class ProgressUpdate(AuditedModel):
    """A dated narrative on an action. Never edited or deleted: the history is the record."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    as_of = models.DateField("Progress as of")
    rag = models.CharField("RAG", max_length=5, choices=Rag.choices)
    text = models.TextField("Update")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Update on {self.action_id} as of {self.as_of}"


class Evidence(AuditedModel):
    """A file kept as evidence, stored outside the web root and served only through a view."""

    case = models.ForeignKey(EngageCase, on_delete=models.CASCADE, related_name="evidence")
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="evidence")
    concern = models.ForeignKey(CauseOfConcern, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.original_name


class Measure(AuditedModel, Versioned):
    """The data used to judge improvement against a cause of concern."""

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    concern = models.ForeignKey(CauseOfConcern, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=200, help_text="e.g. 999 calls answered within 10 seconds")
    unit = models.CharField(max_length=30, blank=True, help_text="e.g. %, days, calls")
    direction = models.CharField(max_length=6, choices=Direction.choices,
                                 default=Direction.HIGHER)
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    threshold = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True,
        help_text="The level HMICFRS would accept as sufficient improvement, if different.")
    source = models.CharField(max_length=200, blank=True,
                              help_text="Where the figures come from (force data, national data).")

    class Meta:
        ordering = ["concern", "name"]

    def __str__(self) -> str:
        return self.name


class MeasurePoint(AuditedModel):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="points")
    period = models.DateField(help_text="The month or day the figure is for.")
    value = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["measure", "period"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="measure_point_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.value} ({self.period})"


class ExitTest(AuditedModel, Versioned):
    """HMCI's two tests for leaving Engage, self-assessed by the OPCC."""

    class Test(models.TextChoices):
        A = "a", "(a) On current performance, would HMICFRS place the force into Engage now?"
        B = "b", "(b) Is there evidence of sustained, systemic improvement that will last?"

    class Rating(models.TextChoices):
        NOT_YET = "not_yet", "Not yet met"
        PARTLY = "partly", "Partly met"
        MET = "met", "Met"

    case = models.ForeignKey(EngageCase, on_delete=models.CASCADE, related_name="exit_tests")
    test = models.CharField(max_length=1, choices=Test.choices)
    rating = models.CharField(max_length=8, choices=Rating.choices, default=Rating.NOT_YET)
    assessment = models.TextField("Self-assessment", blank=True)
    evidence_links = models.TextField(
        blank=True, help_text="One link or reference per line: reports, data, scrutiny records.")
    assessed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["case", "test"]
        constraints = [models.UniqueConstraint(fields=["case", "test"], name="exit_test_unique")]

    def __str__(self) -> str:
        return f"Exit test {self.test}"


class ExitTheme(models.TextChoices):
    OUTLOOK = "outlook", "Having the right outlook in PPOG"
    UNDERLYING = "underlying", "Understanding the underlying reasons behind causes of concern"
    LEADERSHIP = "leadership", "Leadership"
    WORKFORCE = "workforce", "Workforce trust and confidence"
    TRAINING = "training", "Training"
    CENTRAL_TEAM = "central_team", "Central team to focus on HMICFRS work"
    DEMAND = "demand", "Demand management"
    ASK_FOR_HELP = "help", "Asking for help"
    RELATIONSHIPS = "relationships", "Positive relationships"
    HONESTY = "honesty", "Honesty about barriers"
    BASICS = "basics", "Getting the basics right"


class ExitThemeCheck(AuditedModel, Versioned):
    class State(models.TextChoices):
        NOT_CONSIDERED = "not_considered", "Not considered yet"
        IN_HAND = "in_hand", "In hand"
        EVIDENCED = "evidenced", "Evidenced"

    case = models.ForeignKey(EngageCase, on_delete=models.CASCADE, related_name="exit_themes")
    theme = models.CharField(max_length=15, choices=ExitTheme.choices)
    state = models.CharField(max_length=15, choices=State.choices, default=State.NOT_CONSIDERED)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "theme"], name="exit_theme_unique")]

    def __str__(self) -> str:
        return self.get_theme_display()


class Comment(AuditedModel):
    """A PCC's or OPCC colleague's comment on a cause of concern or action."""

    case = models.ForeignKey(EngageCase, on_delete=models.CASCADE, related_name="comments")
    concern = models.ForeignKey(CauseOfConcern, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="comments")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment by {self.author_id}"


class Question(AuditedModel):
    """A line of questioning: the toolkit's appendix B bank (shared) or an OPCC's own (private)."""

    class Audience(models.TextChoices):
        HMICFRS = "hmicfrs", "HMICFRS, outside PPOG"
        CHIEF_CONSTABLE = "cc", "The Chief Constable"

    audience = models.CharField(max_length=8, choices=Audience.choices)
    text = models.TextField()
    force = models.ForeignKey(Force, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="questions",
                              help_text="Empty for the shared bank; a force for its OPCC's own.")
    order = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=100, blank=True, help_text="e.g. APCC Engage Toolkit, appendix B")

    class Meta:
        ordering = ["audience", "order", "id"]

    def __str__(self) -> str:
        return self.text[:80]


# The OPCC's scrutiny log and the APCC's records live in their own modules.
from oversight.models_apcc import BuddyPairing, CaseStudy, Debrief, SupportOffer  # noqa: E402,F401
from oversight.models_scrutiny import (  # noqa: E402,F401
    FollowUp,
    HmicfrsReport,
    QuestionAsked,
    ScrutinyActivity,
)

"""PPOG meetings, force slots, outcomes, review points, pre-meets and PCC briefing packs.

The Policing Performance Oversight Group, chaired by HMCI, meets quarterly. Each force in Engage
has a one-hour slot. HMCI decides to keep a force in Engage or return it to Scan *after* the
meeting, never in it, and may set review points.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from engage.audit import AuditedModel
from oversight.models import EngageCase, Versioned

SLOT_AGENDA = [
    "HMI recap: why the force is in Engage and the recommendations",
    "Chief Constable presents the improvement plan",
    "PCC's overview: scrutiny and support given",
    "Feedback, support and questions from those around the table",
    "HMCI's summary",
]


class Meeting(AuditedModel, Versioned):
    date = models.DateField()
    place = models.CharField(max_length=200, blank=True, help_text="Leave empty if online.")
    online = models.BooleanField(default=False)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"PPOG {self.date:%-d %B %Y}"


class Slot(AuditedModel, Versioned):
    """A force's hour at a PPOG meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="slots")
    case = models.ForeignKey(EngageCase, on_delete=models.PROTECT, related_name="slots")
    starts = models.TimeField(null=True, blank=True)
    attendees = models.TextField(
        blank=True, help_text="Who attends for the force: Chief Constable, PCC, observers.")
    notes = models.TextField("What was said", blank=True)

    class Meta:
        ordering = ["meeting", "starts", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="slot_unique")]

    def __str__(self) -> str:
        return f"{self.case.force} at {self.meeting}"


class Outcome(AuditedModel):
    """HMCI's decision after the meeting."""

    class Decision(models.TextChoices):
        REMAIN = "remain", "Remain in Engage"
        SCAN = "scan", "Return to Scan"

    slot = models.OneToOneField(Slot, on_delete=models.CASCADE, related_name="outcome")
    decision = models.CharField(max_length=6, choices=Decision.choices)
    decided_on = models.DateField("Decision date")
    letter_url = models.URLField("Decision letter", blank=True)
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.decided_on})"


class ReviewPoint(AuditedModel, Versioned):
    """A point HMCI set at which progress will be reviewed, and what is expected by then."""

    case = models.ForeignKey(EngageCase, on_delete=models.CASCADE, related_name="review_points")
    slot = models.ForeignKey(Slot, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="review_points")
    due = models.DateField()
    expectation = models.TextField("What is expected")
    met = models.BooleanField(null=True, blank=True, help_text="Empty until reviewed.")
    reviewed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return f"Review point {self.due}"


class PreMeet(AuditedModel, Versioned):
    """The APCC's meeting with the PCC before PPOG."""

    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        HELD = "held", "Held"

    slot = models.OneToOneField(Slot, on_delete=models.CASCADE, related_name="premeet")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OFFERED)
    date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    messages = models.TextField("Messages the PCC wants reinforced", blank=True)

    def __str__(self) -> str:
        return f"Pre-meet ({self.get_status_display()})"


class PackSection(models.TextChoices):
    AT_A_GLANCE = "glance", "At a glance"
    CONCERNS = "concerns", "Causes of concern"
    CHANGES = "changes", "What changed since the last PPOG"
    SCRUTINY = "scrutiny", "The OPCC's scrutiny since the last PPOG"
    QUESTIONS = "questions", "Lines of questioning"
    STATEMENT = "statement", "The PCC's overview statement"
    BARRIERS = "barriers", "Barriers to be honest about"
    SUPPORT = "support", "Support received"


DEFAULT_SECTIONS = [s.value for s in PackSection]


class BriefingPack(AuditedModel, Versioned):
    """The PCC's briefing for a PPOG slot, drafted by OPCC staff and approved by the PCC."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        READY = "ready", "Ready for the PCC"
        APPROVED = "approved", "Approved"

    slot = models.OneToOneField(Slot, on_delete=models.CASCADE, related_name="pack")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    marking = models.CharField("Protective marking", max_length=40, default="OFFICIAL-SENSITIVE")
    sections = models.JSONField(default=list, help_text="Section keys in the order shown.")
    statement = models.TextField("Overview statement", blank=True)
    barriers = models.TextField(blank=True)
    support = models.TextField("Support received", blank=True)
    approved_version = models.PositiveIntegerField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Briefing pack: {self.slot}"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED and self.approved_version == self.version


class PackQuestion(AuditedModel):
    """A line of questioning in a pack, picked from the bank and edited."""

    pack = models.ForeignKey(BriefingPack, on_delete=models.CASCADE, related_name="questions")
    source = models.ForeignKey("oversight.Question", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    audience = models.CharField(max_length=8, choices=[("hmicfrs", "HMICFRS"),
                                                       ("cc", "The Chief Constable")])
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["pack", "order", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class PackComment(AuditedModel):
    """The PCC's (or a colleague's) comment on a section of a pack."""

    pack = models.ForeignKey(BriefingPack, on_delete=models.CASCADE, related_name="comments")
    section = models.CharField(max_length=10, choices=PackSection.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    pack_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment on {self.section}"


class PackRender(models.Model):
    """A PDF render of a pack version, done by a Celery task; the page polls its state."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Rendering"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    pack = models.ForeignKey(BriefingPack, on_delete=models.CASCADE, related_name="renders")
    pack_version = models.PositiveIntegerField()
    issue = models.BooleanField(default=False, help_text="Issue the result as the final pack.")
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to="packs/%Y/%m/", blank=True)
    seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]


class IssuedPack(AuditedModel):
    """The pack as issued: a stored PDF that never changes, with its hash and who issued it."""

    pack = models.ForeignKey(BriefingPack, on_delete=models.PROTECT, related_name="issued")
    pack_version = models.PositiveIntegerField()
    pdf = models.FileField(upload_to="packs/issued/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"Issued {self.pack} v{self.pack_version}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("An issued pack never changes")
        super().save(*args, **kwargs)

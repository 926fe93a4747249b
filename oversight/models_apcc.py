"""The APCC's records: support offered to forces in Engage, buddies, and learning from exits."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from engage.audit import AuditedModel
from forces.models import Force


class SupportOffer(AuditedModel):
    class Kind(models.TextChoices):
        INITIAL_MEETING = "initial", "Initial meeting"
        WORKSHOP = "workshop", "Workshops"
        BUDDY = "buddy", "Buddy system"
        PEER_REVIEW = "peer_review", "Peer review"
        COMMS = "comms", "Communications guidance"
        ACCOUNTABILITY = "accountability", "Accountability framework"
        PREMEET = "premeet", "PPOG pre-meet"

    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="support_offers")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OFFERED)
    offered_on = models.DateField()
    responded_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["force", "-offered_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.force}"


class BuddyPairing(AuditedModel):
    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="buddies")
    buddy = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="buddying")
    reason = models.TextField(blank=True, help_text="Why this buddy: the areas they are strong in.")
    started = models.DateField()
    ended = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")

    class Meta:
        ordering = ["force", "-started"]

    def __str__(self) -> str:
        return f"{self.buddy} buddies {self.force}"


class CaseStudy(AuditedModel):
    """Learning from a force that exited Engage (the toolkit's case studies to start)."""

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="case_studies")
    title = models.CharField(max_length=200)
    summary = models.TextField()
    body = models.TextField(blank=True)
    exit_themes = models.JSONField(default=list, blank=True, help_text="ExitTheme keys")
    concern_areas = models.JSONField(default=list, blank=True,
                                     help_text="Areas of the causes of concern, e.g. 'Crime data integrity'")
    source = models.CharField(max_length=200, blank=True)
    published = models.BooleanField(default=True)

    class Meta:
        ordering = ["force__name", "title"]
        verbose_name_plural = "case studies"

    def __str__(self) -> str:
        return self.title


class Debrief(AuditedModel):
    """The post-Engage debrief the APCC asks for when a force exits."""

    case = models.OneToOneField("oversight.EngageCase", on_delete=models.CASCADE,
                                related_name="debrief")
    what_helped = models.TextField()
    what_hindered = models.TextField(blank=True)
    advice = models.TextField("Advice for PCCs now in Engage", blank=True)
    exit_themes = models.JSONField(default=list, blank=True)
    share = models.BooleanField("May be shared with other PCCs", default=True)
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")

    def __str__(self) -> str:
        return f"Debrief: {self.case}"

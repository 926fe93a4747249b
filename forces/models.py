"""Public reference data: forces, their policing bodies and people, monitoring and PEEL.

Every model here is audited: each change (admin edit, import, bulk update) is recorded.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q

from engage.audit import AuditedModel, AuditedQuerySet
from forces.dates import Precision, format_precise


class Region(AuditedModel):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Force(AuditedModel):
    ons_code = models.CharField("ONS code", max_length=9, unique=True)
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="forces")
    country = models.CharField(max_length=10, choices=[("England", "England"), ("Wales", "Wales")])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("forces:force-detail", args=[self.slug])


class DatedQuerySet(AuditedQuerySet):
    def current(self, on: datetime.date | None = None):
        on = on or datetime.date.today()
        return self.filter(Q(start__lte=on) | Q(start__isnull=True)).filter(
            Q(end__isnull=True) | Q(end__gt=on)
        )


class PolicingBody(AuditedModel):
    """The local policing body for a force over a period: bodies change (e.g. mayors since 2024)."""

    class Kind(models.TextChoices):
        PCC = "pcc", "Police and Crime Commissioner"
        PFCC = "pfcc", "Police, Fire and Crime Commissioner"
        MAYOR = "mayor", "Mayor (policing functions)"
        AUTHORITY = "authority", "Police authority"

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="policing_bodies")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=150)
    start = models.DateField(null=True, blank=True)
    start_precision = models.CharField(max_length=6, choices=Precision.choices,
                                       default=Precision.MONTH)
    end = models.DateField(null=True, blank=True, help_text="Empty while the body is in place.")
    end_precision = models.CharField(max_length=6, choices=Precision.choices,
                                     default=Precision.MONTH)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["force", "-start"]
        verbose_name_plural = "policing bodies"

    def __str__(self) -> str:
        return self.name

    @property
    def period_label(self) -> str:
        start = format_precise(self.start, self.start_precision) or "unknown"
        end = format_precise(self.end, self.end_precision) if self.end else "now"
        return f"{start} to {end}"


class PostHolder(AuditedModel):
    """A person in post for a force. Names in demo data are fictional."""

    class Post(models.TextChoices):
        CHIEF_CONSTABLE = "cc", "Chief Constable"
        PCC = "pcc", "Police and Crime Commissioner"
        DEPUTY = "deputy", "Deputy PCC or Deputy Mayor"
        HMI = "hmi", "HM Inspector"
        FLL = "fll", "Force Liaison Lead"

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="post_holders")
    post = models.CharField(max_length=6, choices=Post.choices)
    name = models.CharField(max_length=150)
    title = models.CharField(max_length=150, blank=True,
                             help_text="As the post is styled locally, e.g. 'Commissioner'.")
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    is_illustrative = models.BooleanField(default=False,
                                          help_text="Fictional demo person, not a public fact.")

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["force", "post", "-start"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_post_display()})"


class MonitoringPeriod(AuditedModel):
    """A spell of HMICFRS monitoring in Scan or Engage, with dates as precisely as known."""

    class Status(models.TextChoices):
        SCAN = "scan", "Scan"
        ENGAGE = "engage", "Engage"

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="monitoring_periods")
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.ENGAGE)
    start = models.DateField(null=True, blank=True)
    start_precision = models.CharField(max_length=6, choices=Precision.choices,
                                       default=Precision.DAY)
    end = models.DateField(null=True, blank=True)
    end_precision = models.CharField(max_length=6, choices=Precision.choices,
                                     default=Precision.DAY)
    letter_url = models.URLField(blank=True, help_text="HMICFRS letter setting out the decision.")
    published = models.DateField(null=True, blank=True, help_text="When the decision was published.")
    note = models.TextField(blank=True)
    is_illustrative = models.BooleanField(default=False,
                                          help_text="Demo data, not a public fact.")

    class Meta:
        ordering = ["force", "start"]
        constraints = [
            models.CheckConstraint(
                name="monitoring_period_ends_after_start",
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=models.F("start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.force}: {self.get_status_display()} {self.label}"

    @property
    def start_label(self) -> str:
        return format_precise(self.start, self.start_precision)

    @property
    def end_label(self) -> str:
        return format_precise(self.end, self.end_precision)

    @property
    def label(self) -> str:
        start = self.start_label or "date not known"
        return f"{start} to {self.end_label}" if self.end else f"from {start}"

    @property
    def is_open(self) -> bool:
        return self.end is None


class PeelCycle(AuditedModel):
    name = models.CharField(max_length=20, unique=True, help_text="e.g. 2021/22, 2023–25")
    starts = models.PositiveSmallIntegerField(help_text="Year the cycle began.")

    class Meta:
        ordering = ["-starts"]

    def __str__(self) -> str:
        return f"PEEL {self.name}"


class PeelArea(AuditedModel):
    """A graded area of one PEEL cycle: frameworks change each cycle."""

    cycle = models.ForeignKey(PeelCycle, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["cycle", "order"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "name"], name="peel_area_unique_in_cycle"),
        ]

    def __str__(self) -> str:
        return self.name


class Grade(models.IntegerChoices):
    OUTSTANDING = 1, "Outstanding"
    GOOD = 2, "Good"
    ADEQUATE = 3, "Adequate"
    REQUIRES_IMPROVEMENT = 4, "Requires improvement"
    INADEQUATE = 5, "Inadequate"


GRADE_TAGS = {
    Grade.OUTSTANDING: "govuk-tag--green",
    Grade.GOOD: "govuk-tag--turquoise",
    Grade.ADEQUATE: "govuk-tag--yellow",
    Grade.REQUIRES_IMPROVEMENT: "govuk-tag--orange",
    Grade.INADEQUATE: "govuk-tag--red",
}


class PeelAssessment(AuditedModel):
    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="peel_assessments")
    cycle = models.ForeignKey(PeelCycle, on_delete=models.PROTECT, related_name="assessments")
    published = models.DateField(null=True, blank=True)
    report_url = models.URLField(blank=True)
    is_illustrative = models.BooleanField(default=False, help_text="Demo data, not a public fact.")

    class Meta:
        ordering = ["force", "-cycle__starts"]
        constraints = [
            models.UniqueConstraint(fields=["force", "cycle"], name="peel_assessment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.force} – {self.cycle}"


class PeelGrade(AuditedModel):
    assessment = models.ForeignKey(PeelAssessment, on_delete=models.CASCADE, related_name="grades")
    area = models.ForeignKey(PeelArea, on_delete=models.PROTECT, related_name="grades")
    grade = models.PositiveSmallIntegerField(choices=Grade.choices)

    class Meta:
        ordering = ["assessment", "area__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "area"], name="peel_grade_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.get_grade_display()}"

    @property
    def tag_class(self) -> str:
        return GRADE_TAGS[self.grade]


class AreaForImprovement(AuditedModel):
    assessment = models.ForeignKey(PeelAssessment, on_delete=models.CASCADE,
                                   related_name="areas_for_improvement")
    area = models.ForeignKey(PeelArea, on_delete=models.PROTECT, related_name="+",
                             null=True, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["assessment", "id"]
        verbose_name = "area for improvement"

    def __str__(self) -> str:
        return self.text[:80]

"""The learning library: the APCC Engage Toolkit's four case studies ("PCC experience of
Engage") as data, the search across case studies and shared post-Engage debriefs, and the
services that add to it.

The toolkit's studies are summarised in our own words from the toolkit, keeping to what it says. Exit themes are
``ExitTheme`` keys; concern areas are PEEL 2023–25 area names, given only where the toolkit's
reasons for entering or leaving Engage clearly fall in that area (Humberside's are not stated).

``load`` is written against an ``apps`` registry so the data migration (historical models) and
tests share it. Idempotent: a study already there (same force and title) is left as the APCC
edited it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from engage.permissions import can
from forces.models import Force
from oversight.models import CaseStudy, Debrief, EngageCase, ExitTheme
from oversight.services import require

SOURCE = "APCC Engage Toolkit (May 2024)"

STUDIES = [
    {
        "force": "humberside",
        "title": "Humberside: holding to account so that HMICFRS brings no surprises",
        "summary": (
            "Humberside left Engage before the current format began in May 2017. The PCC and "
            "office engaged personally with HMICFRS's regional team and took the same interest "
            "as the inspectors in the key areas, through a long-refined programme of holding to "
            "account and scrutiny that balanced formal with informal, and challenge with support."
        ),
        "body": (
            "The PCC and office built a direct relationship with HMICFRS's North East team and "
            "the HMI. Their test was that HMICFRS should never tell them anything they did not "
            "already know: if it did, their holding to account had failed.\n\n"
            "They supported and challenged the force through a holding to account framework. In "
            "the last PEEL inspection HMICFRS quoted the office's scrutiny four times as adding "
            "value to the force's work, and noted that the office was present at the key "
            "meetings inspectors attended during fieldwork: it took the same interest as HMICFRS, "
            "in an oversight capacity.\n\n"
            "Assurance runs daily, weekly, monthly and bi-monthly and is understood by the PCC, "
            "the office and the force. A Bi-Monthly Accountability Board holds open, constructive "
            "debate on the force's efficiency and effectiveness, under a Code of Corporate "
            "Governance. A review of independent scrutiny from 2020 led, among other changes, to "
            "an Ethics and Scrutiny Board with an independent chair.\n\n"
            "A local protocol, 'Our Approach to HMICFRS', first written for Engage and updated "
            "several times since, is agreed with the Chief Constable and covers inspections in "
            "four stages: govern, plan, communicate and influence."
        ),
        "exit_themes": ["relationships", "underlying"],
        "concern_areas": [],
    },
    {
        "force": "greater-manchester",
        "title": "Greater Manchester: the right Chief Constable and getting the basics right",
        "summary": (
            "Greater Manchester Police entered Engage in 2020 for failing to respond "
            "appropriately to vulnerable people at risk, and left in October 2022. The Mayor "
            "appointed a new Chief Constable, commissioned a root cause analysis, strengthened "
            "the office's scrutiny and built an open, supportive relationship with the force."
        ),
        "body": (
            "Why it entered: the force was failing to respond appropriately to some vulnerable "
            "people at risk, missing chances to safeguard victims and to secure evidence at the "
            "scene.\n\n"
            "Why it left: it responded better to the public and vulnerable people, including "
            "answering calls faster; it understood its performance and its workforce's "
            "capability and capacity better, and supported officers and staff better; it halved "
            "its open investigations; and it recorded crime more accurately.\n\n"
            "The Chief Constable left when the force went into Engage, so appointing the right "
            "successor was central. Besides a recruitment agency, the Mayor enlisted a former "
            "chief executive of the College of Policing (also a former HMI and Chief Constable), "
            "and was clear he wanted someone to rebuild neighbourhood policing and make the force "
            "more open and transparent.\n\n"
            "In the meantime the Mayor commissioned PwC to carry out a root cause analysis "
            "(interviews, focus groups and surveys of officers, staff and stakeholders) for "
            "himself and the incoming Chief Constable. The Deputy Mayor's office helped the "
            "temporary Chief Constable write an interim action plan and scrutinised it.\n\n"
            "The Mayor and Deputy Mayor attended every PPOG and engaged constructively; the "
            "Deputy Mayor met the new HMI early, and the office built better relationships with "
            "HMICFRS.\n\n"
            "Formal scrutiny was a six-weekly Deputy Mayor's Executive with chief officers, plus "
            "a weekly informal meeting with the Chief Constable. Once the new Chief Constable was "
            "in post the office could attend any force meeting it chose: the change programme "
            "board and the programme boards beneath it, the force performance meeting, the DEI "
            "board, the digital policing board (including a new records management system) and "
            "working groups such as one on stop and search. The office added a Head of Oversight "
            "and Performance and reformed its senior team with two Assistant Directors.\n\n"
            "Above all, an open relationship of mutual respect grew between the Mayor, Deputy "
            "Mayor and chief officers. The Mayor backed the Chief Constable, including with "
            "investment, to get the basics right for two years before a relentless focus on "
            "quality of service. On removing the force from Engage the HMI named that support as "
            "a hallmark of an outstanding force."
        ),
        "exit_themes": ["leadership", "underlying", "outlook", "relationships", "basics"],
        "concern_areas": ["Responding to the public", "Protecting vulnerable people",
                          "Investigating crime", "Recording data about crime"],
    },
    {
        "force": "cleveland",
        "title": "Cleveland: a new Chief Constable and scrutiny outside PPOG",
        "summary": (
            "Cleveland Police entered Engage in 2019 with six causes of concern, from crime "
            "prevention and vulnerability to ethical leadership, and left in September 2023. "
            "The PCC, elected with the force already two years in Engage, recruited a new Chief "
            "Constable, sought funding for more officers and held the force to account outside "
            "PPOG."
        ),
        "body": (
            "Why it entered: the force did not prioritise or resource crime prevention; it failed "
            "to respond appropriately to vulnerable people, including children; it did not "
            "understand its demand, so its workforce and financial plans did not fit it; it did "
            "not engage enough with local communities; many senior leaders did not consistently "
            "behave ethically; and it did not treat its workforce fairly and with respect.\n\n"
            "Why it left: better co-ordinated prevention to reduce crime and anti-social "
            "behaviour; more problem-solving; a comprehensive analysis of demand; and financial "
            "and workforce plans aligned to the force's priorities.\n\n"
            "The PCC took office with the force two years into Engage, several Chief Constables "
            "having come and gone and no improvement in the areas of concern. An honest review "
            "from HMICFRS at the first PPOG after the election made clear what had to change.\n\n"
            "The PCC analysed the issues and worked on solutions with the force. To make it more "
            "resilient the PCC set out to increase officer numbers and asked the Home Office for "
            "the funding.\n\n"
            "Recruiting a new Chief Constable and forming an effective relationship was, in the "
            "PCC's view, possibly the most important step out of Engage. Scrutiny and "
            "accountability outside PPOG helped performance, but working together with the Chief "
            "Constable was essential. The PCC felt the force left despite Engage rather than "
            "because of it, and called for an agreed roadmap with partners, with timescales and "
            "financial support.\n\n"
            "The PCC urged keeping the public, who use the service, in sight during the PEEL "
            "process. Engage kept the force and office focused on the areas of concern, but can "
            "demoralise officers and give partners reason to doubt the force.\n\n"
            "Cleveland now shows sustained improvement in violence, robbery, theft, criminal "
            "damage and public order, credited partly to strong chief officer leadership and "
            "partly to effective scrutiny by the PCC."
        ),
        "exit_themes": ["leadership", "relationships", "demand", "underlying"],
        "concern_areas": ["Preventing crime", "Protecting vulnerable people",
                          "Leadership and force management", "Developing a positive workplace"],
    },
    {
        "force": "gloucestershire",
        "title": "Gloucestershire: out of Engage within 21 months",
        "summary": (
            "Gloucestershire Constabulary entered Engage in December 2021 over call handling, "
            "risk assessment, crime recording and investigation, and left in September 2023, "
            "within 21 months. The PCC looked inward: he took time to understand what had gone "
            "wrong, invested behind the scenes in ICT and the control room, and engaged strongly "
            "with PPOG."
        ),
        "body": (
            "Why it entered: its call-taking capacity, capability and processes needed review to "
            "manage demand; call handlers applied THRIVE risk assessment inconsistently, without "
            "victim needs assessments and rarely identifying repeat victims, which could leave "
            "victims at risk; it was not recording domestic abuse, behavioural crimes and crimes "
            "linked to anti-social behaviour; and crimes needed to be investigated effectively.\n\n"
            "Why it left: much better identification and risk assessment of vulnerability; better "
            "investigations and victims kept updated; better planning of finance and management "
            "of resources; and more accurate crime recording.\n\n"
            "PCC Chris Nelson chose to focus internally: to understand the issues and how his "
            "office could help the force out within one PEEL cycle, putting the public interest "
            "before his public image. He took time to learn the history and what went wrong "
            "rather than decide quickly for the sake of it.\n\n"
            "His office supported the force through holding to account, governance, "
            "collaboration and clear objectives, and stayed flexible. Crime data integrity had "
            "been an issue in earlier PEEL inspections and affected many other areas, though not "
            "everything was bad news.\n\n"
            "Under-investment in ICT had badly affected performance. The force needed investment "
            "in people and infrastructure, not only warranted officers, so the PCC revisited his "
            "aim of 300 more officers, weighing political challenge against what the force "
            "needed.\n\n"
            "The work behind the scenes included investment in ICT, fundamental changes to the "
            "force control room (helped by a peer review by Humberside Police), support for "
            "innovation and funding from other sources (Safer Streets, STAR and uplift). "
            "Recruitment was refocused on the right blend of staff and officers, including former "
            "HMICFRS colleagues who understood its terms and processes.\n\n"
            "The office worked with the force on a neighbourhood policing review, performance "
            "management cross-referenced to HMICFRS's areas of focus, a value-for-money tool and "
            "a secondment to the Continuous Improvement Team for demand analysis. The PCC funded "
            "the change of operating model and senior posts such as an Assistant Chief Officer, "
            "started a performance management culture, strengthened governance and set short, "
            "medium and long-term plans: a crime data integrity team, investment in Niche, "
            "focused governance of the Chief Constable's progress and monthly reports on the "
            "control room's recovery.\n\n"
            "With a visible PCC and deputy, strong engagement with PPOG and a better relationship "
            "with HMICFRS, the force and office came to share the goal of an excellent force. "
            "HMCI Andy Cooke wrote on its exit to recognise its positive engagement and "
            "determination to improve."
        ),
        "exit_themes": ["underlying", "help", "relationships", "outlook", "demand"],
        "concern_areas": ["Responding to the public", "Protecting vulnerable people",
                          "Investigating crime", "Recording data about crime",
                          "Leadership and force management"],
    },
]


def load(apps) -> int:
    """Add the toolkit's case studies that are missing. Returns how many were added."""
    Force = apps.get_model("forces", "Force")
    CaseStudy = apps.get_model("oversight", "CaseStudy")
    forces = {f.slug: f for f in Force.objects.filter(slug__in=[s["force"] for s in STUDIES])}
    added = 0
    for study in STUDIES:
        force = forces.get(study["force"])
        if force is None:
            continue
        _, made = CaseStudy.objects.get_or_create(
            force=force, title=study["title"],
            defaults={"summary": study["summary"], "body": study["body"],
                      "exit_themes": study["exit_themes"],
                      "concern_areas": study["concern_areas"], "source": SOURCE,
                      "published": True},
        )
        added += made
    return added


def unload(apps) -> None:
    CaseStudy = apps.get_model("oversight", "CaseStudy")
    CaseStudy.objects.filter(title__in=[s["title"] for s in STUDIES], source=SOURCE).delete()


# The learning library ------------------------------------------------------------------------

THEMES = dict(ExitTheme.choices)


@dataclass
class LearningItem:
    kind: str
    force: Force
    title: str
    summary: str
    themes: list[str]
    areas: list[str]
    study: CaseStudy | None = None
    debrief: Debrief | None = None


def _study_item(study: CaseStudy) -> LearningItem:
    return LearningItem("Case study", study.force, study.title, study.summary,
                        study.exit_themes, study.concern_areas, study=study)


def _debrief_item(debrief: Debrief) -> LearningItem:
    case = debrief.case
    areas = sorted({c.peel_area.name for c in case.concerns.all() if c.peel_area})
    return LearningItem("Post-Engage debrief", case.force,
                        f"{case.force}: debrief after Engage {case.period.label}",
                        debrief.what_helped, debrief.exit_themes, areas, debrief=debrief)


def learning(*, query: str = "", theme: str = "", area: str = "") -> list[LearningItem]:
    """Published case studies and shareable debriefs matching a text query, theme and area."""
    studies = CaseStudy.objects.filter(published=True).select_related("force")
    debriefs = (Debrief.objects.filter(share=True)
                .select_related("case__force", "case__period")
                .prefetch_related("case__concerns__peel_area"))
    if query:
        studies = studies.filter(Q(title__icontains=query) | Q(summary__icontains=query)
                                 | Q(body__icontains=query) | Q(force__name__icontains=query))
        debriefs = debriefs.filter(Q(what_helped__icontains=query)
                                   | Q(what_hindered__icontains=query)
                                   | Q(advice__icontains=query)
                                   | Q(case__force__name__icontains=query))
    items = [_study_item(s) for s in studies] + [_debrief_item(d) for d in debriefs]
    # Tags are JSON lists, matched here rather than with a lookup SQLite lacks.
    items = [i for i in items if (not theme or theme in i.themes) and (not area or area in i.areas)]
    return sorted(items, key=lambda i: (i.force.name, i.kind, i.title))


def learning_areas() -> list[str]:
    """Every concern area a case study is tagged with, for the filter."""
    areas: set[str] = set()
    for tags in CaseStudy.objects.filter(published=True).values_list("concern_areas", flat=True):
        areas.update(tags or [])
    return sorted(areas)


def case_study_for(user, study_id: int) -> CaseStudy:
    """A published case study; an unpublished one only for the APCC, else 404."""
    study = get_object_or_404(CaseStudy.objects.select_related("force"), pk=study_id)
    if not study.published and not can(user, "can_use_apcc_tools"):
        raise Http404("No such case study")
    return study


def theme_labels(keys: list[str]) -> list[str]:
    return [THEMES[k] for k in keys if k in THEMES]


STUDY_FIELDS = ["force", "title", "summary", "body", "exit_themes", "concern_areas", "source",
                "published"]


def _check_themes(themes: list[str]) -> None:
    unknown = [t for t in themes if t not in THEMES]
    if unknown:
        raise ValidationError({"exit_themes": f"Unknown exit theme: {', '.join(unknown)}"})


def case_study_create(*, actor, data: dict[str, Any]) -> CaseStudy:
    require(actor, "can_use_apcc_tools", None)
    _check_themes(data.get("exit_themes") or [])
    study = CaseStudy(**{k: v for k, v in data.items() if k in STUDY_FIELDS})
    study.full_clean()
    study.save()
    return study


# Debriefs ------------------------------------------------------------------------------------

DEBRIEF_FIELDS = ["what_helped", "what_hindered", "advice", "exit_themes", "share", "recorded_on"]


def closed_case(force: Force) -> EngageCase | None:
    """The force's latest Engage case if it has closed (the force returned to Scan)."""
    case = (EngageCase.objects.filter(force=force).select_related("period", "force")
            .order_by("-period__start").first())
    return case if case is not None and not case.is_open else None


def debrief_of(case: EngageCase | None) -> Debrief | None:
    return Debrief.objects.filter(case=case).first() if case is not None else None


def debrief_record(*, actor, force: Force, data: dict[str, Any]) -> Debrief:
    """Record (or rewrite) the debrief of the force's latest case, once that case has closed."""
    require(actor, "can_use_apcc_tools", force)
    case = closed_case(force)
    if case is None:
        raise ValidationError(f"{force} has no closed Engage case: a debrief is recorded once "
                              "the force returns to Scan")
    _check_themes(data.get("exit_themes") or [])
    with transaction.atomic():
        debrief = Debrief.objects.select_for_update().filter(case=case).first() \
            or Debrief(case=case)
        for name in DEBRIEF_FIELDS:
            if name in data:
                setattr(debrief, name, data[name])
        debrief.recorded_by = actor
        debrief.full_clean()
        debrief.save()
    return debrief

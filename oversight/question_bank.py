"""The APCC Engage Toolkit's appendix B: lines of questioning for PCCs (loaded as reference data)."""

SOURCE = "APCC Engage Toolkit (May 2024), appendix B"

TO_HMICFRS = [
    "Have you identified specific barriers that will make this force exiting Engage more challenging?",
    "Are these challenges in the Chief Constable's control? Or is it another partner agency?",
    "Have you shared good practice by other forces with this force that will provide tangible examples to work towards?",
    "Have you given the force a clear list of recommendations and thresholds to meet that allow them to understand progress towards your recommendations? Is there any indication as to the progress the force is being tracked against towards your goals?",
    "What data is being used to measure performance improvement? Has this been shared with PCCs? Will this data change to another set of data?",
    "How are you managing the risk of adding more areas of concern onto the current areas you are focusing Engage on?",
    "Have you considered the wider context the force is operating in (the level of funding it receives compared to other forces, or the views of the PCC)?",
    "Is there any more the force can do to meet your requirements at this stage?",
    "Which areas of concern need to be prioritised, so you know they are tackling the most important areas first?",
]

TO_CHIEF_CONSTABLE = [
    "Has HMICFRS given an indication of any areas that may evolve into an area of concern in the PEEL inspection?",
    "What has the engagement with the HMI and FLL been like during PEEL/Engage?",
    "Have you established what support is needed? Will the force liaise with NPCC/HO/HMICFRS/CoP to identify what support is available? If so, what, and when?",
    "What resources does the force need from the PCC to assist tackling the area(s) of concern? How long will this support be needed for?",
    "Have you considered creating your own force inspectorate trained in HMICFRS methodology, while building good governance into all aspects of the force?",
    "Have you considered a peer review or a different perspective from another force that has performed well or is showing good practice in the areas that need improving?",
    "Are you aware of any concerns that may make improvements difficult?",
    "Is there anything, as the PCC, I can do to make this process smoother for you?",
    "Have you got a clear roadmap to improve specific areas of concern or areas that require improvement?",
    "Have you liaised with partner agencies that these improvements may impact on? Can they make changes to complement your improvement plan?",
]


def load(apps) -> int:
    Question = apps.get_model("oversight", "Question")
    created = 0
    for audience, texts in (("hmicfrs", TO_HMICFRS), ("cc", TO_CHIEF_CONSTABLE)):
        for order, text in enumerate(texts, 1):
            _, made = Question.objects.get_or_create(
                audience=audience, text=text, force=None,
                defaults={"order": order, "source": SOURCE})
            created += made
    return created

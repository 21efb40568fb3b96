"""Typed choices shared by the models, the filters and the templates.

Stored values are short and stable (they appear in URLs and imports);
labels are what a patient reads. Never print a stored value to the public.
"""

from django.db import models


class Status(models.TextChoices):
    """Editorial status. Only ``PUBLISHED`` projects are visible to the public."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Sent back to editor"
    PUBLISHED = "published", "Published"


class StudyType(models.TextChoices):
    NIH_RESEARCH = "nih_research", "NIH-funded research"
    CLINICAL_TRIAL = "clinical_trial", "Clinical trial"


class FundingMechanism(models.TextChoices):
    """NIH activity codes (grouped) and clinical-trial phases.

    One field serves both kinds of record because the public filter
    ("Funding type or phase") treats them as one question. Which values a
    project may hold depends on its study type; see ``NIH_MECHANISMS`` and
    ``TRIAL_PHASES`` and the check constraint on ``Project``.
    """

    # NIH-funded research (grouped by activity code prefix)
    RESEARCH_GRANT = "research_grant", "Research project grant (R)"
    CAREER_AWARD = "career_award", "Career development award (K)"
    CENTER = "center", "Research center grant (P)"
    COOPERATIVE_AGREEMENT = "cooperative_agreement", "Cooperative agreement (U)"
    TRAINING = "training", "Training or fellowship (T, F)"
    SMALL_BUSINESS = "small_business", "Small business research (SBIR/STTR)"
    OTHER_NIH = "other_nih", "Other NIH funding"
    # Clinical trials
    EARLY_PHASE_1 = "early_phase_1", "Early phase 1"
    PHASE_1 = "phase_1", "Phase 1"
    PHASE_1_2 = "phase_1_2", "Phase 1/2"
    PHASE_2 = "phase_2", "Phase 2"
    PHASE_2_3 = "phase_2_3", "Phase 2/3"
    PHASE_3 = "phase_3", "Phase 3"
    PHASE_4 = "phase_4", "Phase 4"
    PHASE_NA = "phase_na", "No phase (not a drug trial)"


NIH_MECHANISMS = [
    FundingMechanism.RESEARCH_GRANT,
    FundingMechanism.CAREER_AWARD,
    FundingMechanism.CENTER,
    FundingMechanism.COOPERATIVE_AGREEMENT,
    FundingMechanism.TRAINING,
    FundingMechanism.SMALL_BUSINESS,
    FundingMechanism.OTHER_NIH,
]
TRIAL_PHASES = [
    FundingMechanism.EARLY_PHASE_1,
    FundingMechanism.PHASE_1,
    FundingMechanism.PHASE_1_2,
    FundingMechanism.PHASE_2,
    FundingMechanism.PHASE_2_3,
    FundingMechanism.PHASE_3,
    FundingMechanism.PHASE_4,
    FundingMechanism.PHASE_NA,
]

#: Grouped choices for forms, so editors and the public see two clear lists.
FUNDING_MECHANISM_GROUPS = [
    ("NIH funding type", [(m.value, m.label) for m in NIH_MECHANISMS]),
    ("Clinical trial phase", [(p.value, p.label) for p in TRIAL_PHASES]),
]


class ResearchStatus(models.TextChoices):
    """Where the research stands, in words a patient can act on."""

    ACTIVE = "active", "Active research (not enrolling patients)"
    NOT_YET_RECRUITING = "not_yet_recruiting", "Not yet recruiting"
    RECRUITING = "recruiting", "Recruiting participants"
    ACTIVE_NOT_RECRUITING = "active_not_recruiting", "Active, not recruiting"
    COMPLETED = "completed", "Completed"


class SexEligibility(models.TextChoices):
    """Who may enrol. Only meaningful for clinical trials."""

    ALL = "all", "All sexes"
    FEMALE = "female", "Female only"
    MALE = "male", "Male only"


class InvestigatorRole(models.TextChoices):
    CONTACT_PI = "contact_pi", "Contact principal investigator"
    PRINCIPAL_INVESTIGATOR = "pi", "Principal investigator"
    CO_INVESTIGATOR = "co_investigator", "Co-investigator"
    STUDY_CHAIR = "study_chair", "Study chair"
    STUDY_DIRECTOR = "study_director", "Study director"


class ReviewAction(models.TextChoices):
    """Each recorded step of the editorial workflow."""

    SUBMITTED = "submitted", "Submitted for review"
    APPROVED = "approved", "Approved and published"
    SENT_BACK = "sent_back", "Sent back to editor"
    WITHDRAWN = "withdrawn", "Withdrawn from the public site"
    REVIEWED = "reviewed", "Marked reviewed"

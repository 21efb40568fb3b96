"""Typed choices shared by the models, the filters and the templates.

Stored values are short and stable (they appear in URLs and imports);
labels are what a patient reads. Never print a stored value to the public:
every source code (NIH activity codes, ClinicalTrials.gov statuses and
phases) maps to one of these, and an unknown code gets a readable fallback.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Editorial state of a project's latest version.

    Whether the public can see the page is a separate fact
    (``Project.is_live``): a live page can have a newer draft in review.
    """

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Sent back to editor")
    SCHEDULED = "scheduled", _("Approved, scheduled to go live")
    PUBLISHED = "published", _("Published")


class StudyType(models.TextChoices):
    NIH_RESEARCH = "nih_research", _("NIH-funded research")
    CLINICAL_TRIAL = "clinical_trial", _("Clinical trial")
    OBSERVATIONAL = "observational", _("Observational study")
    EXPANDED_ACCESS = "expanded_access", _("Expanded access program")


#: Study types recorded on ClinicalTrials.gov: they enrol people and have an NCT ID.
REGISTRY_STUDY_TYPES = [
    StudyType.CLINICAL_TRIAL,
    StudyType.OBSERVATIONAL,
    StudyType.EXPANDED_ACCESS,
]


class FundingMechanism(models.TextChoices):
    """NIH activity codes (grouped) and clinical-trial phases.

    One field serves both kinds of record because the public filter
    ("Funding type or phase") treats them as one question. Which values a
    project may hold depends on its study type; see ``NIH_MECHANISMS`` and
    ``TRIAL_PHASES`` and the check constraint on ``Project``.
    """

    # NIH-funded research (grouped by activity code prefix)
    RESEARCH_GRANT = "research_grant", _("Research project grant (R)")
    CAREER_AWARD = "career_award", _("Career development award (K)")
    CENTER = "center", _("Research center or program project (P)")
    COOPERATIVE_AGREEMENT = "cooperative_agreement", _("Cooperative agreement (U)")
    TRAINING = "training", _("Training or fellowship (T, F)")
    SMALL_BUSINESS = "small_business", _("Small business research (SBIR/STTR)")
    INTRAMURAL = "intramural", _("NIH intramural research (Z)")
    OTHER_NIH = "other_nih", _("Other NIH funding")
    # Studies on ClinicalTrials.gov
    EARLY_PHASE_1 = "early_phase_1", _("Early phase 1")
    PHASE_1 = "phase_1", _("Phase 1")
    PHASE_1_2 = "phase_1_2", _("Phase 1/2")
    PHASE_2 = "phase_2", _("Phase 2")
    PHASE_2_3 = "phase_2_3", _("Phase 2/3")
    PHASE_3 = "phase_3", _("Phase 3")
    PHASE_4 = "phase_4", _("Phase 4")
    PHASE_NA = "phase_na", _("No phase (not a drug trial)")


NIH_MECHANISMS = [
    FundingMechanism.RESEARCH_GRANT,
    FundingMechanism.CAREER_AWARD,
    FundingMechanism.CENTER,
    FundingMechanism.COOPERATIVE_AGREEMENT,
    FundingMechanism.TRAINING,
    FundingMechanism.SMALL_BUSINESS,
    FundingMechanism.INTRAMURAL,
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
    (_("NIH funding type"), [(m.value, m.label) for m in NIH_MECHANISMS]),
    (_("Clinical study phase"), [(p.value, p.label) for p in TRIAL_PHASES]),
]


class ResearchStatus(models.TextChoices):
    """Where the research stands, in words a patient can act on.

    Lab research is either active or completed; studies on
    ClinicalTrials.gov carry every overall status that registry uses.
    """

    ACTIVE = "active", _("Active lab research (not enrolling patients)")
    NOT_YET_RECRUITING = "not_yet_recruiting", _("Not yet recruiting")
    RECRUITING = "recruiting", _("Recruiting now")
    ENROLLING_BY_INVITATION = "enrolling_by_invitation", _("Enrolling by invitation only")
    ACTIVE_NOT_RECRUITING = "active_not_recruiting", _("Ongoing, no longer recruiting")
    SUSPENDED = "suspended", _("Paused (suspended)")
    TERMINATED = "terminated", _("Stopped early (terminated)")
    WITHDRAWN = "withdrawn", _("Withdrawn before anyone enrolled")
    COMPLETED = "completed", _("Completed")
    UNKNOWN = "unknown", _("Status not confirmed recently")
    AVAILABLE = "available", _("Expanded access available")
    NO_LONGER_AVAILABLE = "no_longer_available", _("Expanded access no longer available")
    TEMPORARILY_NOT_AVAILABLE = "temporarily_not_available", _(
        "Expanded access temporarily not available"
    )
    APPROVED_FOR_MARKETING = "approved_for_marketing", _("Approved for marketing")
    WITHHELD = "withheld", _("Status withheld by the sponsor")


#: Statuses lab research may hold.
LAB_RESEARCH_STATUSES = [ResearchStatus.ACTIVE, ResearchStatus.COMPLETED]
#: Statuses a study on ClinicalTrials.gov may hold (everything but lab "active").
REGISTRY_STATUSES = [s for s in ResearchStatus if s != ResearchStatus.ACTIVE]
#: Statuses under which a person can sign up now ("recruiting now").
OPEN_STATUSES = [ResearchStatus.RECRUITING, ResearchStatus.AVAILABLE]
#: Open soon or by invitation: shown after the open ones.
OPENING_STATUSES = [ResearchStatus.NOT_YET_RECRUITING, ResearchStatus.ENROLLING_BY_INVITATION]
#: Statuses after which the research is over: its end date is when it ended.
ENDED_STATUSES = [
    ResearchStatus.COMPLETED, ResearchStatus.TERMINATED, ResearchStatus.WITHDRAWN,
    ResearchStatus.NO_LONGER_AVAILABLE, ResearchStatus.APPROVED_FOR_MARKETING,
]
#: Statuses under which a person may still get in, or may ask whether they
#: can (not confirmed, or withheld by the sponsor).
MAY_JOIN_STATUSES = [
    *OPEN_STATUSES, *OPENING_STATUSES, ResearchStatus.UNKNOWN, ResearchStatus.WITHHELD
]


class SexEligibility(models.TextChoices):
    """Who may enrol. Only meaningful for studies that enrol people."""

    ALL = "all", _("All sexes")
    FEMALE = "female", _("Female only")
    MALE = "male", _("Male only")


class EnrollmentType(models.TextChoices):
    ACTUAL = "actual", _("enrolled")
    ESTIMATED = "estimated", _("planned")


class InvestigatorRole(models.TextChoices):
    CONTACT_PI = "contact_pi", _("Contact principal investigator")
    PRINCIPAL_INVESTIGATOR = "pi", _("Principal investigator")
    CO_INVESTIGATOR = "co_investigator", _("Co-investigator")
    SUB_INVESTIGATOR = "sub_investigator", _("Sub-investigator")
    STUDY_CHAIR = "study_chair", _("Study chair")
    STUDY_DIRECTOR = "study_director", _("Study director")
    PROGRAM_OFFICER = "program_officer", _("NIH program officer")


#: Roles listed under "Researchers"; program officers are NIH staff, shown apart.
RESEARCHER_ROLES = [r for r in InvestigatorRole if r != InvestigatorRole.PROGRAM_OFFICER]


class ContactRole(models.TextChoices):
    CENTRAL = "central", _("Study contact")
    BACKUP = "backup", _("Backup contact")
    SITE = "site", _("Site contact")
    PRINCIPAL_INVESTIGATOR = "pi", _("Site principal investigator")
    SUB_INVESTIGATOR = "sub_investigator", _("Site sub-investigator")
    OTHER = "other", _("Contact")


class CoordinatesSource(models.TextChoices):
    REGISTRY = "registry", _("From the registry record")
    ZIP = "zip", _("ZIP code centre")
    CITY = "city", _("City centre")


class ReviewAction(models.TextChoices):
    """Each recorded step of the editorial trail."""

    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved and published")
    SCHEDULED = "scheduled", _("Approved, scheduled to go live")
    WENT_LIVE = "went_live", _("Published at its scheduled time")
    SENT_BACK = "sent_back", _("Sent back to editor")
    WITHDRAWN = "withdrawn", _("Withdrawn from the public site")
    REVIEWED = "reviewed", _("Checked against the source")
    RESTORED = "restored", _("Earlier version restored as a draft")
    CORRECTED = "corrected", _("Linked record corrected")
    SOURCE_CHANGED = "source_changed", _("Source record changed")
    ARCHIVED = "archived", _("Archived")


class RevisionKind(models.TextChoices):
    SAVED = "saved", _("Saved")
    RESTORED = "restored", _("Restored from an earlier version")
    IMPORTED = "imported", _("Created by an import")

"""The demo data set: realistic projects taken through the real workflow.

Projects are created as drafts by the demo editor, then submitted and
approved by the demo reviewer through ``projects.workflow``, so the demo
has the same review history a real page would. Loading is idempotent: a
project that already exists (matched on its registry ID) is left as it is,
so running it again never overwrites an editor's work.
"""

import datetime
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .. import editing, workflow
from ..choices import Status
from ..models import (
    Condition,
    Investigator,
    Organization,
    Project,
    ProjectInvestigator,
    ProjectSite,
    Site,
)

DATA_FILE = Path(__file__).with_name("projects.json")

#: username -> (group, is superuser)
DEMO_ACCOUNTS = {
    "admin": (None, True),
    "editor": ("Editors", False),
    "reviewer": ("Reviewers", False),
}

CONTENT_FIELDS = (
    "study_type", "nih_application_id", "nih_project_number", "nct_id", "official_title",
    "lay_title", "lay_summary", "research_focus", "good_fit", "not_a_fit",
    "potential_benefit", "similar_studies", "funding_mechanism", "research_status",
    "sex_eligibility", "minimum_age_months", "maximum_age_months", "healthy_volunteers",
    "funding_institute", "fiscal_year", "start_date", "end_date",
)


@dataclass
class DemoResult:
    created: list[Project] = field(default_factory=list)
    existing: list[Project] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)


def ensure_demo_accounts(password: str | None = None) -> dict[str, str]:
    """Create (or reset) the demo logins; return username -> password."""
    User = get_user_model()
    logins = {}
    for username, (group_name, is_superuser) in DEMO_ACCOUNTS.items():
        user, _ = User.objects.get_or_create(username=username)
        user.is_staff = True
        user.is_superuser = is_superuser
        user.email = f"{username}@example.org"
        logins[username] = password or secrets.token_urlsafe(9)
        user.set_password(logins[username])
        user.save()
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
    return logins


def load_demo(password: str | None = None, data_file: Path = DATA_FILE) -> DemoResult:
    result = DemoResult(passwords=ensure_demo_accounts(password))
    User = get_user_model()
    editor = User.objects.get(username="editor")
    reviewer = User.objects.get(username="reviewer")
    records = json.loads(data_file.read_text(encoding="utf-8"))["projects"]
    for record in records:
        with transaction.atomic():
            existing = _find_existing(record)
            if existing:
                result.existing.append(existing)
                continue
            project = _create_project(record, editor)
            _apply_status(project, record, editor, reviewer)
            result.created.append(project)
    return result


def _find_existing(record):
    if record.get("nct_id"):
        return Project.objects.filter(nct_id=record["nct_id"]).first()
    return Project.objects.filter(nih_application_id=record.get("nih_application_id")).first()


def _create_project(record, editor) -> Project:
    values = {name: record[name] for name in CONTENT_FIELDS if record.get(name) is not None}
    for name in ("start_date", "end_date"):
        if name in values:
            values[name] = datetime.date.fromisoformat(values[name])
    project = Project(**values)
    project.sponsor = _organization(record["sponsor"])
    project.full_clean()
    conditions = [_condition(name) for name in record.get("conditions", [])]
    editing.create_project(project, editor, conditions=conditions)
    for order, place in enumerate(record.get("sites", [])):
        site = Site.objects.filter(match_key=Site.key_for(**place)).first() or Site.objects.create(**place)
        ProjectSite.objects.create(project=project, site=site, order=order)
    for order, person in enumerate(record.get("investigators", [])):
        organization = _organization(person["organization"])
        investigator, _ = Investigator.objects.get_or_create(
            name=person["name"], organization=organization,
            defaults={"title": person.get("title", "")},
        )
        ProjectInvestigator.objects.create(
            project=project, investigator=investigator, role=person["role"], order=order
        )
    return project


def _organization(name: str) -> Organization:
    existing = Organization.objects.filter(match_key=Organization.key_for(name)).first()
    return existing or Organization.objects.create(name=name)


def _condition(name: str) -> Condition:
    return Condition.objects.filter(name__iexact=name).first() or Condition.objects.create(name=name)


def _apply_status(project, record, editor, reviewer) -> None:
    target = record.get("status", Status.DRAFT)
    if target in (Status.IN_REVIEW, Status.PUBLISHED):
        workflow.submit(
            project, editor, "Ready for review.",
            readability_override="Demo text, loaded as it was written.",
        )
    if target == Status.PUBLISHED:
        workflow.approve(project, reviewer, "Checked against the official record.")
        if record.get("last_reviewed"):
            # The demo stands for pages reviewed over the past months; keep
            # their real review dates rather than "today" for all of them.
            Project.objects.filter(pk=project.pk).update(
                last_reviewed=datetime.date.fromisoformat(record["last_reviewed"])
            )

"""How a project page describes itself to search engines: schema.org
JSON-LD, built from the live row only (what the page shows).

Wording and structure for this one surface live here (STYLE.md 10); the
template tag ``page_meta.project_json_ld`` only places it in the page.

Types:

- NIH-funded lab research is a ``ResearchProject`` (a kind of schema.org
  Organization): the institution that holds the grant is its
  ``parentOrganization``, the NIH institute its ``funder``, the grant its
  ``funding``; its dates are ``foundingDate``/``dissolutionDate``; its
  researchers are ``member``s; conditions are what it ``knowsAbout``.
- A study on ClinicalTrials.gov is a ``MedicalTrial`` (interventional), a
  ``MedicalObservationalStudy``, or a ``MedicalStudy`` (expanded access),
  with ``sponsor``, ``studyLocation``, ``healthCondition``, ``status`` (a
  ``MedicalStudyStatus`` member where schema.org has one, else the status
  in words), its NCT ID as ``code`` and ``identifier`` (schema.org's advice
  for registry IDs), and the NIH grants that fund it as ``funding``.
  schema.org gives studies no start or end date, so none is invented.
- Both carry ``url``, ``name`` (the plain-language title), ``alternateName``
  (the official title), ``description`` (the summary), ``sameAs`` (the
  official record) and ``mainEntityOfPage``: the ``MedicalWebPage`` with
  when it was first published, last changed and last reviewed.

Links to the site's condition, institution and researcher pages are given
only for listed projects, because only those pages exist for them.
"""

import datetime
import json

from django.utils import timezone

from .choices import REGISTRY_STUDY_TYPES, CoordinatesSource, ResearchStatus, StudyType
from .models import Project, page_conditions
from .presenters import display, nih_grants, project_sites, researchers, site_overview

SCHEMA_ORG = "https://schema.org"
NIH = "National Institutes of Health"

STUDY_TYPES = {
    StudyType.CLINICAL_TRIAL: "MedicalTrial",
    StudyType.OBSERVATIONAL: "MedicalObservationalStudy",
    StudyType.EXPANDED_ACCESS: "MedicalStudy",
}
#: ClinicalTrials.gov statuses that schema.org's MedicalStudyStatus names;
#: the others (unknown, expanded access, withheld ...) are given in words.
STUDY_STATUSES = {
    ResearchStatus.NOT_YET_RECRUITING: "NotYetRecruiting",
    ResearchStatus.RECRUITING: "Recruiting",
    ResearchStatus.ENROLLING_BY_INVITATION: "EnrollingByInvitation",
    ResearchStatus.ACTIVE_NOT_RECRUITING: "ActiveNotRecruiting",
    ResearchStatus.SUSPENDED: "Suspended",
    ResearchStatus.TERMINATED: "Terminated",
    ResearchStatus.WITHDRAWN: "Withdrawn",
    ResearchStatus.COMPLETED: "Completed",
}

#: JSON-LD sits in an HTML <script> block: these characters are written as
#: JSON escapes, so no text ("</script>", "<!--") can end or alter the block.
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def to_script_json(data: dict) -> str:
    """``data`` as JSON that is safe inside ``<script type="application/ld+json">``."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)


def for_project(project: Project, url: str, site_url: str) -> dict:
    """The JSON-LD of one project page.

    ``url`` is the page's absolute address; ``site_url`` the site's root
    (absolute, with the trailing slash), for links to the browse pages.
    Reads only what ``ProjectQuerySet.for_public_pages`` and
    ``load_page_records`` load.
    """
    links = _Links(site_url.rstrip("/"), enabled=not project.is_archived)
    if project.study_type in REGISTRY_STUDY_TYPES:
        data = _study(project, links)
    else:
        data = _research(project, links)
    data = {
        "@context": SCHEMA_ORG,
        "@type": data.pop("@type"),
        "@id": f"{url}#project",
        "url": url,
        "name": project.lay_title,
        "alternateName": project.official_title,
        "description": project.lay_summary,
        **data,
        "mainEntityOfPage": _web_page(project, url),
    }
    return _without_empty(data)


class _Links:
    def __init__(self, root: str, enabled: bool):
        self.root, self.enabled = root, enabled

    def __call__(self, obj) -> str:
        return f"{self.root}{obj.get_absolute_url()}" if self.enabled else ""


def _study(project: Project, links: _Links) -> dict:
    status = STUDY_STATUSES.get(project.research_status)
    status = f"{SCHEMA_ORG}/{status}" if status else display(project, "research_status")
    return {
        "@type": STUDY_TYPES[project.study_type],
        "identifier": [_property("NCT ID", project.nct_id, project.clinicaltrials_url)],
        "code": {
            "@type": "MedicalCode", "codeValue": project.nct_id,
            "codingSystem": "ClinicalTrials.gov",
        },
        "sameAs": project.clinicaltrials_url,
        "sponsor": _organization(project.sponsor, links),
        "status": status,
        "healthCondition": [_condition(c, links) for c in page_conditions(project)],
        "studyLocation": _locations("AdministrativeArea", project),
        "funding": [
            {
                "@type": "Grant",
                "identifier": grant.identifier,
                "funder": {"@type": "GovernmentOrganization", "name": NIH},
            }
            for grant in nih_grants(project)
        ],
    }


def _research(project: Project, links: _Links) -> dict:
    funder = {
        "@type": "GovernmentOrganization",
        "name": project.funding_institute or NIH,
        **({"parentOrganization": {"@type": "GovernmentOrganization", "name": NIH}}
           if project.funding_institute and project.funding_institute != NIH else {}),
    }
    identifiers = [
        _property("NIH project number", project.nih_project_number, project.reporter_url),
        _property("NIH application ID", project.nih_application_id, project.reporter_url),
    ]
    return {
        "@type": "ResearchProject",
        "identifier": identifiers,
        "sameAs": project.reporter_url,
        "parentOrganization": _organization(project.sponsor, links),
        "funder": funder,
        "funding": {
            "@type": "Grant",
            "identifier": project.nih_project_number or project.nih_core_project_number,
            "url": project.reporter_url,
            "funder": funder,
        },
        "foundingDate": _date(project.start_date),
        "dissolutionDate": _date(project.end_date),
        "location": _locations("Place", project),
        "member": [_person(role.investigator, links) for role in researchers(project)],
        "knowsAbout": [_condition(c, links) for c in page_conditions(project)],
    }


def _web_page(project: Project, url: str) -> dict:
    return {
        "@type": "MedicalWebPage",
        "@id": url,
        "datePublished": _moment(project.first_published_at),
        "dateModified": _moment(project.last_published_at),
        "lastReviewed": _date(project.last_reviewed),
    }


def _organization(organization, links: _Links) -> dict:
    return {
        "@type": "Organization",
        "name": organization.name,
        "url": links(organization),
        "address": _address(organization),
    }


def _person(investigator, links: _Links) -> dict:
    return {
        "@type": "Person",
        "name": investigator.name,
        "jobTitle": investigator.title,
        "url": links(investigator),
        "sameAs": investigator.profile_url,
        "affiliation": (
            {"@type": "Organization", "name": investigator.organization.name}
            if investigator.organization else None
        ),
    }


def _condition(condition, links: _Links) -> dict:
    return {"@type": "MedicalCondition", "name": condition.name, "url": links(condition)}


def _locations(kind: str, project: Project) -> list[dict]:
    """Each site, as a ``kind``; for a project whose page counts its sites
    by place instead of listing them (``presenters.site_overview``), each
    state or country it counts, as the page shows."""
    overview = site_overview(project)
    if overview is None:
        return [_place(kind, ps.site) for ps in project_sites(project)]
    return [
        {
            "@type": "AdministrativeArea",
            "name": ", ".join(name for name in (area.name, country.name) if name),
            "address": {
                "@type": "PostalAddress", "addressRegion": area.name,
                "addressCountry": country.name,
            },
        }
        for country in overview.countries
        for area in country.areas
    ]


def _place(kind: str, site) -> dict:
    place = {"@type": kind, "name": site.institution, "address": _address(site)}
    # Only a registry's own point: a ZIP or city centre (projects.geocoding)
    # is good for "within 25 miles" but is not where the site is.
    if site.has_coordinates and site.coordinates_source == CoordinatesSource.REGISTRY:
        place["geo"] = {
            "@type": "GeoCoordinates", "latitude": site.latitude, "longitude": site.longitude,
        }
    return place


def _address(place) -> dict:
    return {
        "@type": "PostalAddress",
        "addressLocality": place.city,
        "addressRegion": place.state,
        "postalCode": place.zip_code,
        "addressCountry": place.country,
    }


def _property(name: str, value, url: str) -> dict | None:
    if not value:
        return None
    return {"@type": "PropertyValue", "propertyID": name, "value": str(value), "url": url}


def _date(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def _moment(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def _without_empty(value):
    """Drop empty strings, lists, ``None`` and objects left with only a ``@type``
    (a big study's page lists a hundred places: one pass, no comparisons of
    every value with each kind of empty)."""
    if isinstance(value, dict):
        cleaned = {}
        for key, item in value.items():
            item = _without_empty(item)
            if not _empty(item):
                cleaned[key] = item
        return cleaned if len(cleaned) > ("@type" in cleaned) else {}
    if isinstance(value, list):
        items = (_without_empty(item) for item in value)
        return [item for item in items if not _empty(item)]
    return value


def _empty(value) -> bool:
    return value is None or (not value and isinstance(value, (str, list, dict)))

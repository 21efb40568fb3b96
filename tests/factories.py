"""Many valid, published projects at once, built through the real rules
(``editing.create_project`` and the review workflow, via the conftest
fixtures ``make_project`` and ``publish``)."""

import itertools

from projects import editing, revisions
from projects.models import Contact, Investigator, Organization, ProjectInvestigator

SITES = [
    {"institution": f"Hospital {n}", "city": f"City {n}", "state": "Ohio", "country": "United States"}
    for n in range(4)
]


def rich_projects(make_project, publish, count: int, prefix: str = "Study") -> list:
    """``count`` published studies, each with four sites, three conditions,
    three researchers, a program officer and two contacts: enough related
    rows that a query per project would show in a query count."""
    projects = []
    for n in range(count):
        project = make_project(
            study_type="clinical_trial", lay_title=f"{prefix} {n:03d}",
            conditions=["Asthma", f"Condition {n % 7}", f"Other {n % 3}"],
            sites=SITES, sponsor=f"Sponsor {n % 5}",
            minimum_age_months=216, sex_eligibility="all",
        )
        for role_number, role in enumerate(["contact_pi", "co_investigator", "sub_investigator",
                                            "program_officer"]):
            person, _ = Investigator.objects.get_or_create(name=f"Person {n}-{role_number}")
            ProjectInvestigator.objects.create(project=project, investigator=person, role=role)
        Contact.objects.create(project=project, name="Central desk", phone="555-0100")
        Contact.objects.create(project=project, site=project.sites.first(), email="site@example.org")
        projects.append(publish(project))
    return projects


CONDITIONS = ["Breast cancer", "Asthma", "Migraine", "Type 2 diabetes", "Insomnia", "Melanoma"]
PLACES = [
    {"institution": "Massachusetts General Hospital", "city": "Boston", "state": "Massachusetts",
     "country": "United States", "zip_code": "02114"},
    {"institution": "Toronto Western Hospital", "city": "Toronto", "state": "Ontario",
     "country": "Canada"},
    {"institution": "Houston Methodist Hospital", "city": "Houston", "state": "Texas",
     "country": "United States", "zip_code": "77030"},
    {"institution": "UCSF Medical Center", "city": "San Francisco", "state": "California",
     "country": "United States", "zip_code": "94143"},
    {"institution": "Hôpital Saint-Louis", "city": "Paris", "state": "Île-de-France",
     "country": "France"},
]


def published_projects(make_project, publish, count: int, sites_each: int = 3,
                       people_each: int = 3, conditions_each: int = 3) -> list:
    """``count`` published projects, half trials, each with several sites,
    investigators and conditions (shared between projects, as real ones are)."""
    people = [
        Investigator.objects.create(
            name=f"Researcher {n}", organization=Organization.objects.get_or_create(name="Example University")[0],
        )
        for n in range(people_each * 2)
    ]
    projects = []
    cycle = itertools.count()
    for n in range(count):
        trial = n % 2 == 0
        offset = next(cycle)
        project = make_project(
            lay_title=f"Study number {n} of breathing and sleep",
            study_type="clinical_trial" if trial else "nih_research",
            research_status=["recruiting", "completed", "not_yet_recruiting"][n % 3] if trial else "active",
            **({"sex_eligibility": "all", "minimum_age_months": 18 * 12} if trial else {}),
            conditions=[CONDITIONS[(offset + k) % len(CONDITIONS)] for k in range(conditions_each)],
            sites=[PLACES[(offset + k) % len(PLACES)] for k in range(sites_each)],
            sponsor=f"Sponsor {n % 7}",
        )
        for order, person in enumerate(people[(n % 2): (n % 2) + people_each]):
            ProjectInvestigator.objects.create(project=project, investigator=person, order=order)
        projects.append(publish(project))
    return projects


def publish_written(project, editor, publish, texts: dict):
    """Write ``texts`` (lay title, summary ...) into an imported project's
    draft as its editor would, then publish it (``publish``)."""
    content = revisions.draft_content(project) | texts
    editing.save_content(project, editor, content=content, base_version=project.version)
    return publish(project)

"""Many valid, published projects at once, built through the real rules
(``editing.create_project`` and the review workflow, via the conftest
fixtures ``make_project`` and ``publish``)."""

from projects.models import Contact, Investigator, ProjectInvestigator

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

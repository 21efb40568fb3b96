"""How a project reads on the public pages: quick facts, official records,
"can I take part?", places and people, in plain words.

Wording for one surface lives with that surface (STYLE.md 10); the model
keeps the data and small truths. Functions return small dataclasses, use
what ``for_public_pages`` and ``load_page_records`` load, and never print a
raw stored value (no "MALE", no "18 Years", no "['FUNDING_CAREER']").
"""

import datetime
import functools
from collections import Counter
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from .choices import (
    ENDED_STATUSES,
    MAY_JOIN_STATUSES,
    OPEN_STATUSES,
    OPENING_STATUSES,
    RESEARCHER_ROLES,
    EnrollmentType,
    FundingMechanism,
    InvestigatorRole,
    ResearchStatus,
    SexEligibility,
    StudyType,
)
from .models import (
    Contact,
    Project,
    ProjectInvestigator,
    ProjectSite,
    area_key,
    most_used_spelling,
)


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class OfficialRecord:
    registry: str
    identifier: str
    kind: str
    url: str


@dataclass(frozen=True)
class StatusBadge:
    """What a listing card says about taking part, and how it looks."""

    label: str
    tone: str  # "open", "soon", "closed" or "lab": a CSS class, never shown


@dataclass(frozen=True)
class Participation:
    """The answer to "Can I take part?" for a study that enrols people."""

    status: str
    is_open: bool
    #: The answer in one sentence ("No: it is not enrolling people.").
    answer: str
    #: Whether a person may still get in (``may_join``): its contacts are
    #: then "How to take part"; otherwise they are for questions.
    may_join: bool
    #: Whether sites are said to recruit (``shows_site_statuses``).
    site_statuses: bool
    ages: str
    sex: str
    healthy_volunteers: str
    recruiting_sites: list[ProjectSite] = field(default_factory=list)
    central_contacts: list[Contact] = field(default_factory=list)
    site_contacts: list[Contact] = field(default_factory=list)
    #: For a study with too many sites to list: where they are (the
    #: recruiting sites and their contacts are on the page of every site).
    overview: "SiteOverview | None" = None


def choice_label(choices, code: str) -> str:
    """The label of a stored code, as ``get_FOO_display`` gives it but
    translating one label instead of all of the field's choices (it hashes
    every lazy label on each call: a tenth of a millisecond, thirty times a
    listing page)."""
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def display(obj, field_name: str) -> str:
    """What ``obj.get_<field_name>_display()`` says, translating only that
    label: Django's hashes, so translates, every label of the field's choices
    on each call (thirty statuses for each of a trial's sites)."""
    field = obj._meta.get_field(field_name)
    code = getattr(obj, field.attname)
    return str(_labels(field).get(code, code))


@functools.cache
def _labels(field) -> dict:
    """Code -> lazy label of a field with choices (labels stay lazy: each is
    translated in the language of the request that shows it)."""
    return dict(field.flatchoices)


def card_meta(project: Project) -> list[str]:
    """The line under a listing card's title: kind, funding or phase,
    sponsor and places."""
    parts = [choice_label(StudyType, project.study_type),
             choice_label(FundingMechanism, project.funding_mechanism), str(project.sponsor)]
    where = card_location(project)
    return parts + [where] if where else parts


def official_records(project: Project) -> list[OfficialRecord]:
    """Links to the official registry records, the primary one first."""
    records = []
    if project.nct_id:
        records.append(OfficialRecord(
            "ClinicalTrials.gov", project.nct_id, _("Study ID"), project.clinicaltrials_url,
        ))
    if project.nih_application_id:
        records.append(OfficialRecord(
            "NIH RePORTER", project.nih_project_number or str(project.nih_application_id),
            _("NIH grant"), project.reporter_url,
        ))
    return records


def nih_grants(project: Project) -> list[OfficialRecord]:
    """The NIH grants a study's registry record names (its funders), by
    number: each links to the funded project's page here when that page is
    live, else to the grant on NIH RePORTER. Never labelled as a registry
    study ID. ``for_public_pages`` reads them with the project's row
    (``grant_pages``); any other project costs one query."""
    if hasattr(project, "grant_pages"):
        grants = project.grant_pages
    else:
        grants = (
            Project.objects.with_grant_pages()
            .values_list("grant_pages", flat=True)
            .get(pk=project.pk)
        )
    return [
        OfficialRecord(
            "Find a Trial" if grant["slug"] else "NIH RePORTER", grant["number"], _("NIH grant"),
            reverse("projects:detail", kwargs={"slug": grant["slug"]}) if grant["slug"]
            else f"https://reporter.nih.gov/quickSearch/{grant['number']}",
        )
        for grant in sorted(grants or (), key=lambda grant: grant["number"])
    ]


def status_badge(project: Project) -> StatusBadge:
    if project.is_lab_research:
        if project.research_status == ResearchStatus.COMPLETED or project.is_archived:
            return StatusBadge(_("Lab research · ended · not enrolling"), "lab")
        return StatusBadge(_("Lab research · not enrolling patients"), "lab")
    if project.is_archived:
        return StatusBadge(_("Ended · not enrolling"), "closed")
    label = choice_label(ResearchStatus, project.research_status)
    if project.research_status in OPEN_STATUSES:
        return StatusBadge(label, "open")
    if project.research_status in OPENING_STATUSES:
        return StatusBadge(label, "soon")
    return StatusBadge(label, "closed")


def age_range(minimum_months: int | None, maximum_months: int | None) -> str:
    """"18 years and older", "Up to 17 years", "6 months to 65 years", "Any age"."""
    low = _age(minimum_months) if minimum_months else ""
    high = _age(maximum_months) if maximum_months else ""
    if low and high:
        if low.split()[-1].rstrip("s") == high.split()[-1].rstrip("s"):  # "1 to 5 years"
            return _("%(low)s to %(high)s") % {"low": low.rsplit(" ", 1)[0], "high": high}
        return _("%(low)s to %(high)s") % {"low": low, "high": high}
    if low:
        return _("%(low)s and older") % {"low": low}
    if high:
        return _("Up to %(high)s") % {"high": high}
    return _("Any age")


def _age(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return ngettext("%(n)d year", "%(n)d years", years) % {"n": years}
    return ngettext("%(n)d month", "%(n)d months", months) % {"n": months}


def sex_text(project: Project) -> str:
    return choice_label(SexEligibility, project.sex_eligibility) if project.sex_eligibility else ""


def healthy_volunteers_text(project: Project) -> str:
    if project.healthy_volunteers is None:
        return ""
    return _("Yes, people without the condition can join") if project.healthy_volunteers else _(
        "No, only people with the condition"
    )


def project_sites(project: Project) -> list[ProjectSite]:
    return sorted(project.project_sites.all(), key=lambda ps: (ps.order, ps.pk))


def location_summary(project: Project) -> str:
    """"1 site (Boston, Massachusetts, United States)" or "4 sites in 2 countries"."""
    overview = site_overview(project)
    if overview is not None:
        first = overview.countries[0].name if overview.countries else ""
        return describe_sites(overview.sites, len(overview.countries), first, first)
    sites = [ps.site for ps in project_sites(project)]
    if not sites:
        return ""
    countries = {site.country for site in sites}
    return describe_sites(len(sites), len(countries), sites[0].place, sites[0].country)


@dataclass(frozen=True)
class SiteEntry:
    """One site on the page of every site, with its contacts there."""

    project_site: ProjectSite
    contacts: list[Contact] = field(default_factory=list)


@dataclass(frozen=True)
class Area:
    """A project's sites in one state or region of a country (``name``
    empty: the registry names none): how many, how many recruiting, at how
    many a contact answers, and on the page of every site the sites
    themselves. ``anchor`` is the id of its heading there."""

    name: str
    anchor: str
    sites: int
    recruiting: int = 0
    with_contacts: int = 0
    entries: list[SiteEntry] = field(default_factory=list)


@dataclass(frozen=True)
class CountrySites:
    name: str
    anchor: str
    areas: list[Area]

    @property
    def label(self) -> str:
        return self.name or _("Country not given")

    @functools.cached_property
    def sites(self) -> int:
        return sum(area.sites for area in self.areas)

    @property
    def has_named_areas(self) -> bool:
        return any(area.name for area in self.areas)


@dataclass(frozen=True)
class SiteOverview:
    """Where a project's sites are, country by country."""

    countries: list[CountrySites]

    # Read many times by one page (the quick facts, "Can I take part?", the
    # sites section): counted once.
    @functools.cached_property
    def sites(self) -> int:
        return sum(country.sites for country in self.countries)

    @functools.cached_property
    def recruiting(self) -> int:
        return sum(area.recruiting for country in self.countries for area in country.areas)

    @functools.cached_property
    def with_contacts(self) -> int:
        return sum(area.with_contacts for country in self.countries for area in country.areas)


def site_overview(project: Project) -> SiteOverview | None:
    """How many sites a project with too many to list on its page
    (``models.SITES_ON_PAGE``) has in each country and state, from the
    ``site_areas`` that ``load_page_records`` counted; None for a
    project whose page lists its sites. Built once per project: the quick
    facts, "Can I take part?", the sites section and the structured data
    all read it."""
    areas = getattr(project, "site_areas", None)
    if areas is None:
        return None
    if not hasattr(project, "_site_overview"):
        project._site_overview = SiteOverview(_by_country(
            (area.country, area.state, area.sites, area.recruiting, area.with_contacts, [])
            for area in areas
        ))
    return project._site_overview


def sites_by_place(project: Project) -> SiteOverview:
    """Every site of a project, by country, then state, then city and name
    (spellings that differ only in case are one place, as on the project's
    page), each with its contacts there that give a phone or an email: the
    page of every site."""
    contacts = {}
    if project.is_registry_study:
        for contact in project.contacts.all():
            if _reaches_a_site(contact):
                contacts.setdefault(contact.site_id, []).append(contact)
    by_area = {}
    for ps in sorted(project_sites(project), key=_by_place):
        key = area_key(ps.site.country, ps.site.state)
        by_area.setdefault(key, []).append(SiteEntry(ps, contacts.get(ps.site_id, [])))
    return SiteOverview(_by_country(
        (
            *most_used_spelling(Counter(
                (entry.project_site.site.country, entry.project_site.site.state)
                for entry in entries
            )),
            len(entries),
            sum(1 for entry in entries if entry.project_site.is_recruiting),
            sum(1 for entry in entries if entry.contacts),
            entries,
        )
        for entries in by_area.values()
    ))


def _reaches_a_site(contact: Contact) -> bool:
    """A site's contact is a way to take part only with a phone or an email
    (registries also list site investigators by name alone)."""
    return contact.site_id is not None and bool(contact.phone or contact.email)


def _by_place(project_site: ProjectSite) -> tuple:
    site = project_site.site
    return (*area_key(site.country, site.state), site.city.casefold(),
            site.institution.casefold(), project_site.pk)


def _by_country(areas) -> list[CountrySites]:
    """(country, state, sites, recruiting, with contacts, entries) rows, in
    place order, as one ``CountrySites`` each, every heading with an id of
    its own (``place_anchor``; a clash gets a number)."""
    countries: dict[str, tuple[str, list]] = {}
    for country, state, *counts in areas:
        countries.setdefault(area_key(country, "")[0], (country, []))[1].append((state, counts))
    used: set[str] = set()
    result = []
    for country, rows in countries.values():
        country_anchor = _unique(place_anchor(country), used)
        result.append(CountrySites(country, country_anchor, [
            Area(state, _unique(place_anchor(country, state), used) if state else country_anchor,
                 *counts)
            for state, counts in rows
        ]))
    return result


@functools.lru_cache(maxsize=4096)
def place_anchor(country: str, state: str = "") -> str:
    """The HTML id of a country's or a state's heading on the page of every
    site, which a large study's page links to: "canada", "canada--ontario"
    (two dashes, so "Guinea-Bissau" and Guinea's "Bissau" differ; an id may
    hold any letter: "france--île-de-france"). Remembered: a big trial's
    page names a hundred places, and each ``slugify`` took 6 µs."""
    country_part = slugify(country, allow_unicode=True) or "country-not-given"
    if not state:
        return country_part
    return f"{country_part}--{slugify(state, allow_unicode=True) or 'region'}"


def _unique(anchor: str, used: set[str]) -> str:
    candidate, number = anchor, 1
    while candidate in used:
        number += 1
        candidate = f"{anchor}-{number}"
    used.add(candidate)
    return candidate


def describe_sites(count: int, countries: int, first_place: str, first_country: str) -> str:
    """The place summary from counts alone (what a listing card has)."""
    if not count:
        return ""
    if count == 1:
        return _("1 site (%(place)s)") % {"place": first_place}
    if countries == 1 and first_country:
        return _("%(n)d sites in %(country)s") % {"n": count, "country": first_country}
    if countries == 1:  # a registry that names no country
        return _("%(n)d sites") % {"n": count}
    return _("%(n)d sites in %(c)d countries") % {"n": count, "c": countries}


def card_location(project: Project) -> str:
    """``location_summary`` for a listing card, from ``listing.cards``' summary
    (other lists of cards, which prefetch the sites, get ``location_summary``)."""
    summary = getattr(project, "site_summary", None)
    if summary is None:
        return location_summary(project)
    place = ", ".join(p for p in (summary.city, summary.state, summary.country) if p)
    return describe_sites(summary.count, summary.countries, place, summary.country)


def distance_text(miles: float) -> str:
    """"0.4 miles", "12 miles": what "near me" shows on a card."""
    if miles < 10:
        return _("%(miles).1f miles") % {"miles": miles}
    return _("%(miles)d miles") % {"miles": round(miles)}


def researchers(project: Project) -> list[ProjectInvestigator]:
    """Researchers in display order (contact PI first), NIH staff left out."""
    rank = {value: index for index, value in enumerate(InvestigatorRole.values)}
    roles = [r for r in project.project_investigators.all() if r.role in RESEARCHER_ROLES]
    return sorted(roles, key=lambda r: (rank.get(r.role, 99), r.order, r.investigator.name))


def program_officers(project: Project) -> list[ProjectInvestigator]:
    return [r for r in project.project_investigators.all() if r.role == InvestigatorRole.PROGRAM_OFFICER]


def month_year(day: datetime.date) -> str:
    return date_format(day, "F Y")


def long_date(day: datetime.date) -> str:
    """US style: "May 15, 2026"."""
    return date_format(day, "F j, Y")


def status_text(project: Project) -> str:
    """Where the research stands, in words. An archived page's research has
    ended, whatever status its record last gave: "Ended (its record last
    said “Recruiting now”)"."""
    label = choice_label(ResearchStatus, project.research_status)
    if project.is_archived and project.research_status not in ENDED_STATUSES:
        return _("Ended (its record last said “%(status)s”)") % {"status": label}
    return label


def date_range(project: Project) -> str:
    """"March 2025 to December 2028" for research that has ended (its
    status says so, or its page is archived); while it goes on, its end
    date is a plan ("Since March 2025, expected to end in December 2028"),
    which a reader could otherwise take as settled, and a planned date that
    has passed says so ("… was expected to end in December 2019")."""
    if project.start_date and project.end_date:
        dates = {"start": month_year(project.start_date), "end": month_year(project.end_date)}
        if project.research_status in ENDED_STATUSES or project.is_archived:
            return _("%(start)s to %(end)s") % dates
        if project.end_date_has_passed:
            return _("Since %(start)s; it was expected to end in %(end)s") % dates
        return _("Since %(start)s, expected to end in %(end)s") % dates
    if project.start_date:
        return _("Since %(start)s") % {"start": month_year(project.start_date)}
    if project.fiscal_year:
        return _("Funded in fiscal year %(year)s") % {"year": project.fiscal_year}
    return ""


def funding_text(project: Project) -> str:
    """"Career development award (K08)" when the activity code is known."""
    label = choice_label(FundingMechanism, project.funding_mechanism)
    if project.is_lab_research and project.activity_code:
        return f"{label.rsplit(' (', 1)[0]} ({project.activity_code})"
    return label


def quick_facts(project: Project) -> list[Fact]:
    """The "Quick facts" rows that have a value.

    Sex and age are shown for studies that enrol people only: on lab
    research they would mean nothing. Registry IDs are links, rendered apart.
    """
    study = project.is_registry_study
    facts = [
        Fact(_("Study type"), choice_label(StudyType, project.study_type)),
        Fact(_("Phase") if study else _("Funding type"), funding_text(project)),
        Fact(_("Status"), status_text(project)),
    ]
    if study:
        if project.minimum_age_months or project.maximum_age_months:
            facts.append(Fact(_("Ages"), age_range(project.minimum_age_months, project.maximum_age_months)))
        facts.append(Fact(_("Sex"), sex_text(project)))
        if project.enrollment:
            facts.append(Fact(_("Participants"), f"{project.enrollment:,} {choice_label(EnrollmentType, project.enrollment_type)}".strip()))
    facts.append(Fact(_("Sponsor") if study else _("Lead organization"), str(project.sponsor)))
    if project.funding_institute:
        facts.append(Fact(_("Funded by"), project.funding_institute))
    officers = program_officers(project)
    if officers:
        facts.append(Fact(_("NIH program officer"), ", ".join(o.investigator.name for o in officers)))
    facts.append(Fact(_("Locations"), location_summary(project)))
    facts.append(Fact(_("Dates"), date_range(project)))
    return [fact for fact in facts if fact.value]


#: "Can I take part?" in one sentence, by the study's overall status; any
#: other status (ongoing, completed, stopped, withdrawn) is a plain no.
TAKE_PART_ANSWERS = {
    ResearchStatus.RECRUITING: _lazy("Yes: it is looking for people to join now."),
    ResearchStatus.AVAILABLE: _lazy(
        "Yes: the treatment can be requested for people who qualify, through their doctor."
    ),
    ResearchStatus.NOT_YET_RECRUITING: _lazy("Not yet: it has not started enrolling people."),
    ResearchStatus.ENROLLING_BY_INVITATION: _lazy(
        "Only if the study team invites you: it does not take sign-ups."
    ),
    ResearchStatus.UNKNOWN: _lazy(
        "Perhaps: the registry has not confirmed its status recently. Ask the study team."
    ),
    ResearchStatus.WITHHELD: _lazy("Perhaps: the sponsor does not say whether it is enrolling."),
    ResearchStatus.SUSPENDED: _lazy("Not now: enrolling is paused."),
    ResearchStatus.TEMPORARILY_NOT_AVAILABLE: _lazy(
        "Not now: the treatment cannot be requested for the moment."
    ),
}
NOT_ENROLLING = _lazy("No: it is not enrolling people.")


def may_join(project: Project) -> bool:
    """Whether a person may still get into a study, or ask whether they can:
    open, opening, or its status not known; never an archived page (its
    research has ended, whatever status the registry last gave)."""
    return (
        project.is_registry_study
        and project.research_status in MAY_JOIN_STATUSES
        and not project.is_archived
    )


def shows_site_statuses(project: Project) -> bool:
    """Whether a study's pages say which sites recruit (each site's status,
    "N of them recruiting"): only while the study itself is open or about to
    open. A closed or archived study's sites often keep the status the
    registry last gave them, and a study whose status is not confirmed has
    no confirmed site statuses either."""
    return may_join(project) and project.research_status in (*OPEN_STATUSES, *OPENING_STATUSES)


def participation(project: Project) -> Participation | None:
    """"Can I take part?" for a study that enrols people; None for lab research."""
    if not project.is_registry_study:
        return None
    overview = site_overview(project)
    statuses_shown = shows_site_statuses(project)
    sites = project_sites(project) if statuses_shown and not overview else []
    contacts = list(project.contacts.all())
    answer = TAKE_PART_ANSWERS.get(project.research_status, NOT_ENROLLING)
    return Participation(
        status=status_text(project),
        is_open=project.is_recruiting and not project.is_archived,
        answer=str(NOT_ENROLLING if project.is_archived else answer),
        may_join=may_join(project),
        site_statuses=statuses_shown,
        ages=age_range(project.minimum_age_months, project.maximum_age_months),
        sex=sex_text(project),
        healthy_volunteers=healthy_volunteers_text(project),
        recruiting_sites=[ps for ps in sites if ps.is_recruiting],
        overview=overview,
        central_contacts=[c for c in contacts if c.site_id is None],
        site_contacts=[c for c in contacts if _reaches_a_site(c)],
    )

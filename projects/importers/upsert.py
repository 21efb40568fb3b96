"""Saving imported records: the only importer module that writes.

``save_batch`` upserts a batch of ``ProjectRecord``s in one transaction:

1. One record per project: a project's newest record in the batch wins.
   Projects are keyed on their source ID: the NCT ID, or the NIH core
   project number and subproject (every fiscal year of a grant updates
   one page), else the application ID.
2. Existing projects are loaded and locked in one query. A record that is
   older than what is saved (an earlier fiscal year, an earlier registry
   update) or identical to it (same ``source_hash``) writes nothing: an
   import run twice changes nothing.
3. Shared records are matched, not duplicated, with one lookup per kind
   per batch: organizations and sites on their match keys, people on
   their NIH profile ID, else name and organization. New ones are created
   in bulk; existing ones are never renamed (only empty coordinates are
   filled from the registry).
4. New projects arrive as drafts through ``editing.create_projects``
   (revision kind "imported"), with the registry's title as a marked
   starting point for the plain-language title.
5. Changed projects get the source facts written on their row, live or
   not: they are the registry's facts. Their sites, people, contacts,
   grants and collaborators are replaced to match the record. Editorial
   fields (``fields.EDITORIAL_FIELDS``) and workflow fields are never
   written; ``version`` is bumped so an editor's open form gets a conflict
   instead of undoing the import.
6. A live page whose reviewed facts changed is flagged for review
   (``workflow.flag_source_changes``) with the fields that changed.
7. What is derived from projects is brought up to date, since bulk writes
   send no signals (``projects.signals``): the listing's counts of the
   changed projects (``facets.refresh``; new drafts count for nothing) and,
   when a live page changed, the cached public pages (``cache.invalidate``),
   once for the batch (``signals.refresh_once``: the deletes of step 5 do
   send a signal per row).
   (New sites without registry coordinates are placed by the pipeline once
   the import's records are saved.)
"""

import datetime
import functools
from dataclasses import dataclass, fields

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import capfirst, slugify

from .. import editing, signals, workflow
from ..choices import CoordinatesSource, RevisionKind
from ..fields import ROUTINE_SOURCE_FIELDS, SOURCE_FIELDS, SOURCE_RELATIONS
from ..models import (
    Condition,
    Contact,
    GrantLink,
    Investigator,
    Organization,
    Project,
    ProjectInvestigator,
    ProjectSite,
    Site,
    unique_slugs,
)
from ..models.bulk import insert_rows, update_rows
from . import codes, names
from .records import OrganizationRecord, PersonRecord, ProjectRecord, SiteRecord

#: Source facts a record carries as plain values (the sponsor is a row).
VALUE_FIELDS = tuple(name for name in SOURCE_FIELDS if name != "sponsor")


@dataclass
class Counts:
    """What a batch (or a whole import) did, record by record."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0  # updated live pages now flagged for review (also counted in updated)

    def __iadd__(self, other: "Counts") -> "Counts":
        for f in fields(Counts):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self


def project_key(item) -> tuple:
    """A project's identity across imports, for a record or a saved project."""
    if item.nct_id:
        return ("nct", item.nct_id)
    if item.nih_core_project_number:
        return ("core", item.nih_core_project_number, item.nih_subproject_id or "")
    return ("application", item.nih_application_id)


def is_older(record: ProjectRecord, project) -> bool:
    """The record describes an earlier state than the one saved: an earlier
    fiscal year (or, in one year, a supplement or an earlier application
    than the parent award), or an earlier ClinicalTrials.gov update."""
    if record.nct_id:
        return bool(
            record.source_last_updated
            and project.source_last_updated
            and record.source_last_updated < project.source_last_updated
        )
    return _reporter_rank(record) < _reporter_rank(project)


def _reporter_rank(item) -> tuple:
    return codes.award_recency(item.fiscal_year, item.nih_project_number, item.nih_application_id)


def save_batch(records: list[ProjectRecord], now: datetime.datetime | None = None) -> Counts:
    """Upsert ``records`` in one transaction; any error rolls all of them back."""
    now = now or timezone.now()
    counts = Counts()
    with transaction.atomic():
        records = _newest_per_project(records, counts)
        find = _existing_projects(records)
        new, changed = [], []
        for record in records:
            fingerprint = record.fingerprint
            project = find(record)
            if project is None:
                new.append((record, fingerprint))
            elif project.source_hash == fingerprint or is_older(record, project):
                counts.unchanged += 1
            else:
                changed.append((record, fingerprint, project))
        if not (new or changed):
            return counts
        shared = _Shared.resolve([r for r, _ in new] + [r for r, _, _ in changed])
        created = _create(new, shared, now)
        counts.created += len(created)
        updates = _update(changed, shared, now, counts)
        # The changed projects' counts and pages are refreshed once, at the
        # end: deleting their old relation rows sends a signal per row.
        with signals.refresh_once():
            _write_relations(
                {pk: _relations_of(record, shared) for record, pk in created},
                replaced=updates.relations,
            )
            for project, labels, comment, details in updates.flags:
                workflow.flag_source_changes(project, labels, comment, details)
            if changed:
                signals.projects_changed(
                    [project.pk for _, _, project in changed],
                    live=any(project.is_live for _, _, project in changed),
                )
    return counts


def _newest_per_project(records: list[ProjectRecord], counts: Counts) -> list[ProjectRecord]:
    newest: dict[tuple, ProjectRecord] = {}
    for record in records:
        key = project_key(record)
        kept = newest.get(key)
        if kept is None:
            newest[key] = record
            continue
        counts.unchanged += 1  # superseded by a newer record of the same project
        if not is_older(record, kept):
            newest[key] = record
    return list(newest.values())


#: What finding, ranking and flagging a saved project reads (not its long texts).
_IDENTITY = (
    "nct_id",
    "nih_core_project_number",
    "nih_subproject_id",
    "nih_application_id",
    "nih_project_number",
    "fiscal_year",
    "source_last_updated",
    "source_hash",
    "is_live",
    "status",
    "version",
    "source_changes",
    "source_changed_at",
)


def _existing_projects(records: list[ProjectRecord]):
    """A function finding a record's saved project, loaded and locked in one query."""
    nct_ids = [r.nct_id for r in records if r.nct_id]
    cores = {r.nih_core_project_number for r in records if r.nih_core_project_number}
    applications = [r.nih_application_id for r in records if r.nih_application_id]
    query = Q(pk__in=[])
    if nct_ids:
        query |= Q(nct_id__any=nct_ids)
    if cores:
        query |= Q(nih_core_project_number__any=list(cores))
    if applications:
        query |= Q(nih_application_id__any=applications)
    by_key, by_application = {}, {}
    found = Project.objects.select_for_update(of=("self",)).filter(query).only(*_IDENTITY)
    for project in found:
        by_key[project_key(project)] = project
        if project.nih_application_id:
            by_application[project.nih_application_id] = project

    def find(record: ProjectRecord) -> Project | None:
        # A page made before its core number was known is found by its application.
        return by_key.get(project_key(record)) or by_application.get(record.nih_application_id)

    return find


# Shared records ------------------------------------------------------------


@functools.cache
def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _fit(model, name: str, value: str) -> str:
    """``value`` cut to the column's length at a word boundary."""
    limit = _max_length(model, name)
    return value if not value or len(value) <= limit else names.clip(value, limit)


def _organization_key(org: OrganizationRecord) -> str:
    return _key(Organization, org.name, org.city)


def _site_key(site: SiteRecord) -> str:
    return _key(Site, site.institution, site.city, site.state, site.country)


def _person_key(person: PersonRecord, organization_id: int | None) -> str:
    return _key(Investigator, person.name, organization_id)


# The same institutions, places and people recur across an import's records:
# each distinct key is computed (accent folding, punctuation) once, in bounded memory.
@functools.lru_cache(maxsize=16384)
def _key(model, *parts) -> str:
    if model is Organization:
        name, city = parts
        return Organization.key_for(
            _fit(Organization, "name", name), _fit(Organization, "city", city)
        )
    if model is Site:
        institution, city, state, country = parts
        return Site.key_for(
            _fit(Site, "institution", institution),
            _fit(Site, "city", city),
            _fit(Site, "state", state),
            _fit(Site, "country", country),
        )
    name, organization_id = parts
    return Investigator.key_for(_fit(Investigator, "name", name), organization_id)


@dataclass
class _Shared:
    """Primary keys of the shared rows a batch's records name."""

    organizations: dict[str, int]
    sites: dict[str, int]
    people: dict[tuple, int]

    @classmethod
    def resolve(cls, records: list[ProjectRecord]) -> "_Shared":
        organizations = _organizations(
            org
            for r in records
            for org in (r.sponsor, *r.collaborators, *(p.organization for p in r.people))
            if org is not None
        )
        sites = _sites(site for r in records for site in r.sites)
        people = _people(
            (
                person,
                organizations[_organization_key(person.organization)]
                if person.organization
                else None,
            )
            for r in records
            for person in r.people
        )
        return cls(organizations, sites, people)

    def organization(self, org: OrganizationRecord) -> int:
        return self.organizations[_organization_key(org)]

    def site(self, site: SiteRecord) -> int:
        return self.sites[_site_key(site)]

    def person(self, person: PersonRecord) -> int:
        organization = self.organization(person.organization) if person.organization else None
        return self.people[_person_identity(person, organization)]


def _organizations(records) -> dict[str, int]:
    wanted: dict[str, OrganizationRecord] = {}
    for org in records:
        wanted.setdefault(_organization_key(org), org)
    found = dict(
        Organization.objects.filter(match_key__any=list(wanted)).values_list("match_key", "pk")
    )
    missing = [(key, org) for key, org in wanted.items() if key not in found]
    if missing:
        slugs = unique_slugs(
            Organization, [_fit(Organization, "name", org.name) for _, org in missing]
        )
        insert_rows(
            Organization,
            [
                {
                    "name": _fit(Organization, "name", org.name),
                    "slug": slug,
                    "city": _fit(Organization, "city", org.city),
                    "state": _fit(Organization, "state", org.state),
                    "zip_code": _fit(Organization, "zip_code", org.zip_code),
                    "country": _fit(Organization, "country", org.country),
                    "match_key": key,
                }
                for (key, org), slug in zip(missing, slugs, strict=True)
            ],
        )
        found.update(
            Organization.objects.filter(match_key__any=[key for key, _ in missing]).values_list(
                "match_key", "pk"
            )
        )
    return found


def _sites(records) -> dict[str, int]:
    wanted: dict[str, SiteRecord] = {}
    for site in records:
        wanted.setdefault(_site_key(site), site)
    found, located = {}, []
    existing = Site.objects.filter(match_key__any=list(wanted))
    estimates = {"", CoordinatesSource.ZIP, CoordinatesSource.CITY}
    for pk, key, source in existing.values_list("pk", "match_key", "coordinates_source"):
        found[key] = pk
        record = wanted[key]
        if source in estimates and record.latitude is not None:
            # A blank or a ZIP/city centre gives way to the registry's point; a shared
            # site is never renamed, nor moved from a point a registry or a person set.
            located.append(
                {
                    "pk": pk,
                    "latitude": record.latitude,
                    "longitude": record.longitude,
                    "coordinates_source": CoordinatesSource.REGISTRY,
                }
            )
    update_rows(Site, located)
    missing = [(key, site) for key, site in wanted.items() if key not in found]
    if missing:
        insert_rows(Site, [_new_site(key, site) for key, site in missing])
        found.update(
            Site.objects.filter(match_key__any=[key for key, _ in missing]).values_list(
                "match_key", "pk"
            )
        )
    return found


def _new_site(key: str, site: SiteRecord) -> dict:
    return {
        "institution": _fit(Site, "institution", site.institution),
        "city": _fit(Site, "city", site.city),
        "state": _fit(Site, "state", site.state),
        "zip_code": _fit(Site, "zip_code", site.zip_code),
        "country": _fit(Site, "country", site.country),
        "latitude": site.latitude,
        "longitude": site.longitude,
        "match_key": key,
        "coordinates_source": CoordinatesSource.REGISTRY if site.latitude is not None else "",
    }


def _person_identity(person: PersonRecord, organization_id: int | None) -> tuple:
    if person.nih_profile_id:
        return ("profile", person.nih_profile_id)
    return ("name", _person_key(person, organization_id))


def _people(pairs) -> dict[tuple, int]:
    """Investigators by NIH profile ID, else by name and organization. A
    person first seen without a profile ID and now with one is the same
    person: the row gets the profile ID."""
    wanted: dict[tuple, tuple[PersonRecord, int | None]] = {}
    for person, organization_id in pairs:
        wanted.setdefault(_person_identity(person, organization_id), (person, organization_id))
    profiles = [identity[1] for identity in wanted if identity[0] == "profile"]
    found: dict[tuple, int] = {
        ("profile", profile): pk
        for profile, pk in Investigator.objects.filter(nih_profile_id__any=profiles).values_list(
            "nih_profile_id", "pk"
        )
    }
    unmatched = {identity: pair for identity, pair in wanted.items() if identity not in found}
    keys = {_person_key(*pair): identity for identity, pair in unmatched.items()}
    adopted = []
    rows = Investigator.objects.filter(match_key__any=list(keys)).order_by("nih_profile_id", "pk")
    for row in rows.values("pk", "match_key", "nih_profile_id"):
        identity = keys[row["match_key"]]
        if identity in found:
            continue
        if identity[0] == "name":
            found[identity] = row["pk"]
        elif row["nih_profile_id"] is None:
            found[identity] = row["pk"]
            adopted.append(Investigator(pk=row["pk"], nih_profile_id=identity[1]))
    if adopted:
        Investigator.objects.bulk_update(adopted, ["nih_profile_id"])
    new = [
        (identity, person, organization_id)
        for identity, (person, organization_id) in unmatched.items()
        if identity not in found
    ]
    if new:
        insert_rows(
            Investigator,
            [
                {
                    "name": _fit(Investigator, "name", person.name),
                    "title": _fit(Investigator, "title", person.title),
                    "organization_id": organization_id,
                    "nih_profile_id": person.nih_profile_id,
                    "match_key": _person_key(person, organization_id),
                }
                for _, person, organization_id in new
            ],
        )
        created = Investigator.objects.filter(
            Q(nih_profile_id__any=[i[1] for i, _, _ in new if i[0] == "profile"])
            | Q(match_key__any=[i[1] for i, _, _ in new if i[0] == "name"], nih_profile_id=None)
        )
        found.update(
            (("profile", profile) if profile else ("name", key), pk)
            for pk, profile, key in created.values_list("pk", "nih_profile_id", "match_key")
        )
    return found


def _conditions(names_by_record: list[tuple[str, ...]]) -> list[list[Condition]]:
    """Each record's condition names as ``Condition`` rows (matched ignoring
    case; new ones created)."""
    wanted: dict[str, str] = {}
    for chosen in names_by_record:
        for name in chosen:
            wanted.setdefault(name.lower(), name)
    found = {
        condition.lowered: condition
        for condition in Condition.objects.annotate(lowered=Lower("name")).filter(
            lowered__in=list(wanted)
        )
    }
    missing = [name for lowered, name in wanted.items() if lowered not in found]
    if missing:
        rows = [Condition(name=name) for name in missing]
        for row, slug in zip(rows, unique_slugs(Condition, missing), strict=True):
            row.slug = slug
        Condition.objects.bulk_create(rows)
        found.update((row.name.lower(), row) for row in rows)
    return [[found[name.lower()] for name in chosen] for chosen in names_by_record]


# Projects ------------------------------------------------------------------


def _values(record: ProjectRecord, shared: _Shared) -> dict:
    """The record's source facts as ``Project`` field values."""
    values = {}
    for name, limit in _VALUE_LIMITS:
        value = getattr(record, name)
        if type(value) is tuple:
            value = list(value)  # a JSON list
        elif limit and value and len(value) > limit:
            value = names.clip(value, limit)
        values[name] = value
    values["sponsor_id"] = shared.organization(record.sponsor)
    return values


#: Each value field with its column's length (None: not a length-limited text).
_VALUE_LIMITS = tuple(
    (name, getattr(Project._meta.get_field(name), "max_length", None)) for name in VALUE_FIELDS
)


def _slug_text(record: ProjectRecord) -> str:
    """The registry title and the project's stable ID (never the yearly
    project number), so the address survives every import."""
    if record.nct_id:
        ident = record.nct_id
    elif record.nih_core_project_number:
        ident = " ".join(filter(None, (record.nih_core_project_number, record.nih_subproject_id)))
    else:
        ident = str(record.nih_application_id)
    ident = slugify(ident)
    title = slugify(record.draft_title)[: 120 - len(ident) - 1].rstrip("-")
    return f"{title}-{ident}" if title else ident


def _create(new: list[tuple[ProjectRecord, str]], shared: _Shared, now) -> list[tuple]:
    """Create drafts for new records; return (record, primary key) pairs."""
    if not new:
        return []
    slugs = unique_slugs(Project, [_slug_text(record) for record, _ in new], 120)
    rows = [
        _values(record, shared)
        | {
            "lay_title": _fit(Project, "lay_title", workflow.REWRITE_MARK + record.draft_title),
            "slug": slug,
            "source_hash": fingerprint,
            "imported_at": now,
        }
        for (record, fingerprint), slug in zip(new, slugs, strict=True)
    ]
    pks = editing.create_projects(
        rows,
        None,
        conditions=_conditions([r.conditions for r, _ in new]),
        kind=RevisionKind.IMPORTED,
    )
    return [(record, pk) for (record, _), pk in zip(new, pks, strict=True)]


@dataclass
class _Updates:
    relations: dict[int, dict[str, list[tuple]]]  # project -> the relations to replace
    flags: list


def _update(changed, shared: _Shared, now, counts: Counts) -> _Updates:
    """Write the changed source facts of existing projects; return their
    relations to replace and the live pages to flag."""
    result = _Updates({}, [])
    if not changed:
        return result
    pks = [project.pk for _, _, project in changed]
    current = {
        row.pop("id"): row for row in Project.objects.filter(pk__any=pks).values("id", *_COLUMNS)
    }
    saved = _saved_relations(pks)
    rows = []
    for record, fingerprint, project in changed:
        values, stored = _values(record, shared), current[project.pk]
        changes = {
            name: (stored[name], value) for name, value in values.items() if stored[name] != value
        }
        wanted = _relations_of(record, shared)
        moved = [
            kind
            for kind in SOURCE_RELATIONS
            if _comparable(kind, wanted[kind]) != saved[kind].get(project.pk, [])
        ]
        row = {"pk": project.pk, "source_hash": fingerprint, "imported_at": now, "updated_at": now}
        if changes or moved:
            project.version += 1
            row.update(
                {name: value for name, (_, value) in changes.items()}, version=project.version
            )
            counts.updated += 1
        else:
            counts.unchanged += 1  # a new fingerprint, the same facts (e.g. after a mapping fix)
        rows.append(row)
        if moved:
            result.relations[project.pk] = {kind: wanted[kind] for kind in moved}
        flagged = [name for name in changes if name not in ROUTINE_SOURCE_FIELDS]
        if project.is_live and (flagged or moved):
            counts.flagged += 1
            before = {name: old for name, (old, _) in changes.items()}
            result.flags.append(
                _flag(record, project, before, changes, flagged, moved, saved, wanted)
            )
    update_rows(Project, rows)
    return result


#: The columns a record's values are compared with (``_values`` keys).
_COLUMNS = (*VALUE_FIELDS, "sponsor_id")


def _flag(record, project, before, changes, flagged, moved, saved, wanted):
    labels = [_label(name) for name in flagged] + [SOURCE_RELATIONS[kind] for kind in moved]
    routine = [_label(name) for name in changes if name not in flagged]
    comment = f"The {record.source_name} record changed: {', '.join(labels)}."
    if routine:
        comment += f" Also updated: {', '.join(routine)}."
    details = {
        name: {
            "label": _label(name),
            "old": _shown(name, before[name]),
            "new": _shown(name, value),
        }
        for name, (_, value) in changes.items()
    }
    for kind in moved:
        details[kind] = {
            "label": SOURCE_RELATIONS[kind],
            "old": _relation_text(kind, saved[kind].get(project.pk, [])),
            "new": _relation_text(kind, _comparable(kind, wanted[kind])),
        }
    return project, labels, comment, details


def _label(name: str) -> str:
    if name == "sponsor_id":
        name = "sponsor"
    return str(capfirst(Project._meta.get_field(name).verbose_name))


def _shown(name: str, value):
    """A value as a reviewer reads it in the trail: labels for codes,
    ISO dates, names for rows."""
    if value is None or value == "":
        return ""
    if name == "sponsor_id":
        return str(
            Organization.objects.filter(pk=value).values_list("name", flat=True).first() or value
        )
    field = Project._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value if isinstance(value, (int, bool)) else str(value)


# Relations -----------------------------------------------------------------


def _relations_of(record: ProjectRecord, shared: _Shared) -> dict[str, list[tuple]]:
    """The record's source relations as rows to write: per kind, a list of
    field tuples in order, with shared rows as primary keys."""
    sites, seen_sites = [], set()
    for site in record.sites:
        pk = shared.site(site)
        if pk not in seen_sites:
            seen_sites.add(pk)
            sites.append((pk, site.recruitment_status))
    people, seen_people = [], set()
    for person in record.people:
        pk = shared.person(person)
        if pk not in seen_people:
            seen_people.add(pk)
            people.append((pk, person.role))
    contacts = [
        (
            _fit(Contact, "name", c.name),
            c.role,
            _fit(Contact, "phone", c.phone),
            _fit(Contact, "email", c.email),
            None,
        )
        for c in record.contacts
    ] + [
        (
            _fit(Contact, "name", c.name),
            c.role,
            _fit(Contact, "phone", c.phone),
            _fit(Contact, "email", c.email),
            shared.site(site),
        )
        for site in record.sites
        for c in site.contacts
    ]
    grants = [
        (g.core_project_number, _fit(GrantLink, "as_registered", g.as_registered))
        for g in record.grants
    ]
    collaborators = sorted({shared.organization(org) for org in record.collaborators})
    return {
        "sites": sites,
        "investigators": people,
        "contacts": list(dict.fromkeys(contacts)),
        "grant_links": grants,
        "collaborators": [(pk,) for pk in collaborators],
    }


def _comparable(kind: str, rows: list[tuple]) -> list[tuple]:
    """What decides whether a relation changed (a grant's wording as
    registered does not)."""
    if kind == "grant_links":
        return sorted((core,) for core, _ in rows)
    return rows


def _saved_relations(project_ids: list[int]) -> dict[str, dict[int, list[tuple]]]:
    """The saved relations of ``project_ids``, in the shape ``_comparable`` gives."""
    queries = {
        "sites": ProjectSite.objects.values_list("project_id", "site_id", "recruitment_status"),
        "investigators": ProjectInvestigator.objects.values_list(
            "project_id", "investigator_id", "role"
        ),
        "contacts": Contact.objects.values_list(
            "project_id", "name", "role", "phone", "email", "site_id"
        ),
        "grant_links": GrantLink.objects.values_list("project_id", "core_project_number"),
        "collaborators": Project.collaborators.through.objects.values_list(
            "project_id", "organization_id"
        ),
    }
    saved = {}
    for kind, query in queries.items():
        ordering = (
            ("organization_id",)
            if kind == "collaborators"
            else (("core_project_number",) if kind == "grant_links" else ("order", "pk"))
        )
        by_project: dict[int, list[tuple]] = {}
        for project_id, *row in query.filter(project_id__any=project_ids).order_by(
            "project_id", *ordering
        ):
            by_project.setdefault(project_id, []).append(tuple(row))
        saved[kind] = by_project
    for rows in saved["grant_links"].values():
        rows.sort()
    return saved


def _write_relations(created: dict[int, dict], replaced: dict[int, dict]) -> None:
    """Create every relation row of new projects, and replace the changed
    relations of existing ones (the shared rows themselves stay)."""
    for kind, model in _RELATION_MODELS.items():
        stale = [pk for pk, kinds in replaced.items() if kind in kinds]
        if stale:
            model.objects.filter(project_id__any=stale).delete()
    for kind, model in _RELATION_MODELS.items():
        insert_rows(
            model,
            [
                row
                for relations in (created, replaced)
                for project_id, kinds in relations.items()
                if kind in kinds
                for row in _rows(kind, project_id, kinds[kind])
            ],
        )


def _rows(kind: str, project_id: int, wanted: list[tuple]) -> list[dict]:
    """A relation's rows for ``insert_rows``, in the record's order."""
    if kind == "sites":
        return [
            {"project_id": project_id, "site_id": pk, "recruitment_status": status, "order": order}
            for order, (pk, status) in enumerate(wanted)
        ]
    if kind == "investigators":
        return [
            {"project_id": project_id, "investigator_id": pk, "role": role, "order": order}
            for order, (pk, role) in enumerate(wanted)
        ]
    if kind == "contacts":
        return [
            {
                "project_id": project_id,
                "name": name,
                "role": role,
                "phone": phone,
                "email": email,
                "site_id": site_id,
                "order": order,
            }
            for order, (name, role, phone, email, site_id) in enumerate(wanted)
        ]
    if kind == "grant_links":
        return [
            {"project_id": project_id, "core_project_number": core, "as_registered": text}
            for core, text in wanted
        ]
    return [{"project_id": project_id, "organization_id": pk} for (pk,) in wanted]


_RELATION_MODELS = {
    "sites": ProjectSite,
    "investigators": ProjectInvestigator,
    "contacts": Contact,
    "grant_links": GrantLink,
    "collaborators": Project.collaborators.through,
}


def _relation_text(kind: str, rows: list[tuple]) -> list[str]:
    """Relation rows as a reviewer reads them in the trail."""
    if kind == "sites":
        sites = Site.objects.in_bulk([pk for pk, _ in rows])
        return [
            f"{sites[pk].institution}, {sites[pk].place}"
            + (f" ({_status_label(status)})" if status else "")
            for pk, status in rows
            if pk in sites
        ]
    if kind == "investigators":
        people = Investigator.objects.in_bulk([pk for pk, _ in rows])
        roles = dict(ProjectInvestigator._meta.get_field("role").flatchoices)
        return [
            f"{people[pk].name} ({roles.get(role, role)})" for pk, role in rows if pk in people
        ]
    if kind == "contacts":
        return [", ".join(part for part in row[:4] if part) for row in rows]
    if kind == "grant_links":
        return [row[0] for row in rows]
    return list(
        Organization.objects.filter(pk__in=[pk for (pk,) in rows]).values_list("name", flat=True)
    )


def _status_label(value: str) -> str:
    return str(
        dict(ProjectSite._meta.get_field("recruitment_status").flatchoices).get(value, value)
    )

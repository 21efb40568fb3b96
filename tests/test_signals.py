"""projects.signals: what is derived from projects follows every write,
and a bulk write refreshes each project once (``refresh_once``)."""

import pytest

from projects import facets, signals
from projects.models import Contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def refreshed(monkeypatch):
    calls = []
    refresh = facets.refresh

    def record(project_ids):
        project_ids = list(project_ids)
        calls.append(sorted(project_ids))
        return refresh(project_ids)

    monkeypatch.setattr(facets, "refresh", record)
    return calls


@pytest.fixture
def study_with_contacts(make_project, publish):
    project = publish(make_project(study_type="clinical_trial", sites=[
        {"institution": f"Clinic {n}", "city": "Columbus", "state": "Ohio",
         "country": "United States"} for n in range(3)
    ]))
    for site in project.sites.all():
        Contact.objects.create(project=project, site=site, name="Desk", phone="555-0100")
    return project


def test_each_contact_written_alone_refreshes_its_project(study_with_contacts, refreshed):
    Contact.objects.filter(project=study_with_contacts).first().delete()
    assert refreshed == [[study_with_contacts.pk]]


def test_a_bulk_delete_inside_refresh_once_refreshes_its_project_once_at_the_end(
    study_with_contacts, refreshed
):
    with signals.refresh_once():
        with signals.refresh_once():  # nested: the outer block refreshes
            Contact.objects.filter(project=study_with_contacts).delete()
            study_with_contacts.project_sites.all().delete()
        assert refreshed == []
    assert refreshed == [[study_with_contacts.pk]]


def test_nothing_is_refreshed_when_the_block_fails(study_with_contacts, refreshed):
    with pytest.raises(RuntimeError):
        with signals.refresh_once():
            Contact.objects.filter(project=study_with_contacts).delete()
            raise RuntimeError("the import's transaction rolls back")
    assert refreshed == []
    Contact.objects.create(project=study_with_contacts, name="Desk", phone="555-0100")
    assert refreshed == [[study_with_contacts.pk]]  # and signals work alone again

"""``field__any=values`` finds what ``field__in=values`` finds, on every database."""

import pytest
from django.db import connection

from projects.models import Investigator, Organization, Site

pytestmark = pytest.mark.django_db


def test_any_matches_the_keys_given_as_in_does():
    rows = [Organization.objects.create(name=name) for name in ("Alpha", "Beta", "Gamma")]
    keys = [rows[0].match_key, rows[2].match_key, "nobody|", None]
    found = set(Organization.objects.filter(match_key__any=keys).values_list("name", flat=True))
    assert found == {"Alpha", "Gamma"}
    assert found == set(
        Organization.objects.filter(match_key__in=keys).values_list("name", flat=True)
    )
    pks = [rows[1].pk, rows[1].pk]
    assert list(Organization.objects.filter(pk__any=pks).values_list("name", flat=True)) == [
        "Beta"
    ]


def test_any_of_nothing_matches_nothing():
    Organization.objects.create(name="Alpha")
    assert not Organization.objects.filter(match_key__any=[]).exists()
    assert not Organization.objects.filter(match_key__any=[None]).exists()


def test_any_works_on_foreign_keys_and_as_one_array_on_postgresql():
    organization = Organization.objects.create(name="Alpha")
    person = Investigator.objects.create(name="Ada Lovelace", organization=organization)
    Investigator.objects.create(name="Grace Hopper")
    found = Investigator.objects.filter(organization_id__any=[organization.pk, organization.pk + 1])
    assert list(found) == [person]
    site = Site.objects.create(institution="Alpha Hospital", city="Boston", country="US")
    sql = str(Site.objects.filter(pk__any=[site.pk]).query)
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql
    else:
        assert " IN (" in sql

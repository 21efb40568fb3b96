"""The A-to-Z directories behind the browse pages and the sitemap: which
names have entries, under which letter, and how many listed projects each."""

import pytest

from projects import directory, discovery_cache, workflow
from projects.models import Condition, Investigator, Organization

pytestmark = pytest.mark.django_db


def test_the_database_files_every_name_under_its_first_letter_even_in_bulk():
    Condition.objects.bulk_create([Condition(name=n, slug=n.lower()[:5] + str(i)) for i, n in
                                   enumerate(["asthma", "Bronchitis", "4p- syndrome", "Ödem", " x"])])
    assert dict(Condition.objects.values_list("name", "initial")) == {
        "asthma": "a", "Bronchitis": "b", "4p- syndrome": "#", "Ödem": "#", " x": "#",
    }
    Condition.objects.filter(name="asthma").update(name="Zoster")  # no save(), no signal
    assert Condition.objects.get(name="Zoster").initial == "z"


def test_people_and_organizations_are_filed_too():
    Investigator.objects.create(name="dana Whitfield")
    assert Investigator.objects.get(name="dana Whitfield").initial == "d"
    Organization.objects.create(name="Mayo Clinic")
    assert Organization.objects.get(name="Mayo Clinic").initial == "m"


def test_counts_are_of_listed_projects_and_only_for_the_rows_asked(make_project, publish):
    asthma_listed = publish(make_project(conditions=["Asthma", "Cough"]))
    publish(make_project(conditions=["Asthma"]))
    make_project(conditions=["Asthma", "Draft only"])
    asthma, cough, draft_only = (Condition.objects.get(name=n) for n in ("Asthma", "Cough", "Draft only"))
    assert directory.conditions.counts([asthma.pk, draft_only.pk]) == {asthma.pk: 2}
    assert directory.conditions.counts([cough.pk]) == {cough.pk: 1}
    assert directory.conditions.projects(asthma).count() == 2
    assert asthma_listed in directory.conditions.projects(cough)


def test_letters_in_use_are_those_with_a_listed_entry(make_project, publish):
    assert directory.conditions.find_letters_in_use() == set()
    publish(make_project(conditions=["Asthma", "1p36 deletion"], sponsor="Zeta University"))
    make_project(conditions=["Bronchitis"], sponsor="Beta College")
    assert directory.conditions.find_letters_in_use() == {"a", "#"}
    assert directory.institutions.find_letters_in_use() == {"z"}


def test_numbers_are_kept_a_few_minutes_and_entries_are_always_fresh(
    make_project, publish, reviewer, django_assert_num_queries
):
    first = publish(make_project(conditions=["Asthma"]))
    asthma = Condition.objects.get(name="Asthma")
    assert directory.conditions.numbers([asthma.pk]) == {asthma.pk: 1}
    assert directory.conditions.letters_in_use() == {"a"}
    with django_assert_num_queries(0):
        assert directory.conditions.numbers([asthma.pk]) == {asthma.pk: 1}
        assert directory.conditions.letters_in_use() == {"a"}
    publish(make_project(conditions=["Asthma"]))
    assert directory.conditions.numbers([asthma.pk]) == {asthma.pk: 1}  # until the cache expires
    assert directory.conditions.counts([asthma.pk]) == {asthma.pk: 2}
    workflow.withdraw(first, reviewer, "Wrong record")
    assert directory.conditions.of_letter("a").count() == 1  # still listed by the other one


def test_cache_keys_share_one_prefix():
    assert discovery_cache.key("condition", "projects", 7) == "discovery:condition:projects:7"
    assert discovery_cache.SITEMAP_KEY_PREFIX.startswith(discovery_cache.KEY_PREFIX)


def test_a_page_of_entries_carries_names_addresses_and_numbers(make_project, publish):
    publish(make_project(conditions=["Asthma"]))
    publish(make_project(conditions=["Asthma", "Allergy"]))
    page = directory.conditions.page("a", 1)
    assert page.object_list == [
        directory.Entry("Allergy", "/conditions/allergy/", 1),
        directory.Entry("Asthma", "/conditions/asthma/", 2),
    ]

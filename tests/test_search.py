"""Text search over projects."""

import pytest

from projects.models import Project
from projects.search import search

pytestmark = pytest.mark.django_db


def test_search_matches_every_word_across_titles_summary_and_conditions(make_project):
    tumor = make_project(lay_title="Tumor immune barriers", conditions=["Breast cancer"])
    make_project(lay_title="Sleep and memory", lay_summary="Amyloid clearance")
    assert list(search(Project.objects.all(), "breast immune")) == [tumor]
    assert list(search(Project.objects.all(), "AMYLOID")) == [Project.objects.get(lay_title="Sleep and memory")]
    assert not search(Project.objects.all(), "breast amyloid").exists()


def test_renaming_a_condition_is_found_by_search(make_project):
    project = make_project(conditions=["Tumour"])
    condition = project.conditions.get()
    condition.name = "Breast cancer"
    condition.save()
    assert list(search(Project.objects.all(), "breast")) == [project]

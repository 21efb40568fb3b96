"""findatrial.templates: Django's engine, with templates that let go of
what a page showed once it is rendered."""

import weakref

from django.template import engines

from .collector import collector_off


class Shown:
    name = "Asthma"


def test_a_page_s_values_are_freed_by_reference_counting_once_rendered(rf):
    request = rf.get("/")
    with collector_off():
        shown = Shown()
        freed = weakref.ref(shown)
        html = engines["django"].from_string("{{ shown.name }}").render({"shown": shown}, request)
        del shown
        assert freed() is None
    assert html == "Asthma"


def test_templates_still_render_without_a_request():
    assert engines["django"].from_string("{{ a }}-{{ b }}").render({"a": 1, "b": 2}) == "1-2"

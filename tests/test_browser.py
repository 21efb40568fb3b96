"""Browser-level checks in headless Chromium (Debian's chromium and
chromium-driver). Skipped when Chromium is not installed, except where
REQUIRE_BROWSER=1 (CI), where a missing browser is a failure."""

import pytest
from django.contrib.auth.models import Group, User

from projects import workflow

from .browser_support import SCREENSHOTS, click_and_wait as _click_and_wait, find as _find, find_all as _find_all
from .conftest import BOSTON


# serialized_rollback keeps the groups that a data migration created,
# which a transactional test would otherwise flush away.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def published_catalogue(make_project, publish):
    seed = publish(make_project(
        lay_title="Understanding how tumors block immune cells",
        lay_summary="How TROP2 keeps immune cells out of breast tumors.",
        funding_mechanism="career_award", sponsor="Massachusetts General Hospital",
        conditions=["Breast cancer"], sites=[BOSTON],
        good_fit="People with aggressive breast cancer.",
    ))
    for n in range(3):
        publish(make_project(lay_title=f"Sleep study {n}", conditions=["Insomnia"]))
    return seed


def test_reader_searches_and_opens_a_project(browser, live_server, published_catalogue):
    browser.set_window_size(1280, 1000)
    browser.get(live_server.url + "/")
    assert "4 projects found" in _find(browser, ".result-count").text
    search = _find(browser, "input[name=q]")
    search.send_keys("tumors")
    _click_and_wait(browser, _find(browser, ".search-input button"))
    assert "1 project found" in _find(browser, ".result-count").text
    browser.save_screenshot(str(SCREENSHOTS / "listing.png"))
    _click_and_wait(browser, _find(browser, ".project-card h3 a"))
    assert _find(browser, "h1").text == "Understanding how tumors block immune cells"
    headings = [h.text for h in _find_all(browser, "main h2")]
    assert "Quick facts" in headings and "Researchers" not in headings
    browser.save_screenshot(str(SCREENSHOTS / "detail-desktop.png"))


def test_filter_by_condition_typed_with_suggestions(browser, live_server, published_catalogue):
    browser.set_window_size(1280, 1000)
    browser.get(live_server.url + "/projects/")
    field = _find(browser, "input[name=condition]")
    suggestions = [o.get_attribute("value") for o in _find_all(browser, "#condition-options option")]
    assert suggestions == ["Insomnia", "Breast cancer"]  # most common first
    field.send_keys("insomnia")
    _click_and_wait(browser, _find(browser, ".filter-actions button"))
    assert "condition=insomnia" in browser.current_url
    assert "3 projects found" in _find(browser, ".result-count").text
    assert "Condition: Insomnia" in _find(browser, ".active-filters").text


def test_every_form_control_has_a_label(browser, live_server, published_catalogue):
    browser.get(live_server.url + "/")
    unlabeled = browser.execute_script("""
        return [...document.querySelectorAll('main input, main select')]
          .filter(el => el.type !== 'hidden' && !document.querySelector(`label[for="${el.id}"]`))
          .map(el => el.name);
    """)
    assert unlabeled == []


@pytest.mark.parametrize("path", ["/", "detail"])
def test_pages_fit_a_phone_screen(browser, live_server, published_catalogue, path):
    browser.set_window_size(375, 800)
    url = published_catalogue.get_absolute_url() if path == "detail" else path
    browser.get(live_server.url + url)
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
    )
    name = "detail-phone.png" if path == "detail" else "listing-phone.png"
    browser.save_screenshot(str(SCREENSHOTS / name))
    browser.set_window_size(1280, 1000)
    assert overflow <= 0


def test_reviewer_approves_in_the_admin_with_a_real_browser(browser, live_server, make_project, editor):
    project = make_project(lay_title="Waiting for review")
    workflow.submit(project, editor)
    reviewer = User.objects.create_user("browser-reviewer", password="a-long-test-password", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Reviewers"))

    browser.delete_all_cookies()
    browser.get(f"{live_server.url}/admin/login/?next=/admin/projects/project/{project.pk}/change/")
    _find(browser, "#id_username").send_keys("browser-reviewer")
    _find(browser, "#id_password").send_keys("a-long-test-password")
    _click_and_wait(browser, _find(browser, "input[type=submit]"))
    _find(browser, "#workflow-comment").send_keys("Checked against RePORTER")
    browser.save_screenshot(str(SCREENSHOTS / "admin-review.png"))
    _click_and_wait(browser, _find(browser, "button[value=approve]"))
    assert "approved and published" in _find(browser, ".messagelist").text
    project.refresh_from_db()
    assert project.status == "published"
    browser.get(live_server.url + project.get_absolute_url())
    assert _find(browser, "h1").text == "Waiting for review"


def test_on_a_phone_the_filters_are_folded_and_the_first_result_is_on_screen(
        browser, live_server, published_catalogue):
    browser.set_window_size(375, 800)
    browser.get(live_server.url + "/?q=tumors&recruiting=on&age=45")
    browser.get(live_server.url + "/")
    panel = _find(browser, "details.filter-panel")
    assert panel.get_attribute("open") is None
    first = _find(browser, ".project-card h3")
    assert first.rect["y"] + first.rect["height"] < 800
    browser.save_screenshot(str(SCREENSHOTS / "listing-phone-folded.png"))
    _find(browser, "details.filter-panel summary").click()
    assert _find(browser, "input[name=age]").is_displayed()
    browser.save_screenshot(str(SCREENSHOTS / "listing-phone-open.png"))
    browser.set_window_size(1280, 1000)
    browser.get(live_server.url + "/")
    assert _find(browser, "details.filter-panel").get_attribute("open") == "true"


def test_contradictory_filters_say_what_to_remove(browser, live_server, published_catalogue, make_project, publish):
    from .conftest import TORONTO
    publish(make_project(lay_title="Toronto sleep study", conditions=["Insomnia"], sites=[TORONTO]))
    browser.set_window_size(1280, 1000)
    browser.get(live_server.url + "/?country=Canada&state=Massachusetts")
    text = _find(browser, ".no-results").text
    assert "No published project has a site in both Canada and Massachusetts." in text
    assert "Remove Country: Canada" in text and "Remove State or region: Massachusetts" in text
    browser.save_screenshot(str(SCREENSHOTS / "listing-no-results.png"))
    _click_and_wait(browser, browser.find_element("link text", "Remove Country: Canada"))
    assert "1 project found" in _find(browser, ".result-count").text

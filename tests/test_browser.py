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


def test_filter_by_condition_with_the_select(browser, live_server, published_catalogue):
    from selenium.webdriver.support.ui import Select
    browser.get(live_server.url + "/projects/")
    Select(_find(browser, "select[name=condition]")).select_by_visible_text("Insomnia")
    _click_and_wait(browser, _find(browser, ".filter-actions button"))
    assert "condition=insomnia" in browser.current_url
    assert "3 projects found" in _find(browser, ".result-count").text


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

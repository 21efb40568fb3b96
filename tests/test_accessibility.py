"""Accessibility (WCAG 2.2 AA): axe-core finds no violation on the public
pages, in headless Chromium.

axe-core is the npm package pinned in package.json / package-lock.json
(``make setup`` runs ``npm ci``); the test reads it from node_modules and
injects it into the page, so nothing is fetched while the tests run. The
rules are axe's WCAG 2.0, 2.1 and 2.2 A and AA rules plus its best
practices (landmarks, one main, heading order). Skipped, like the other
browser tests, when Chromium or axe-core is missing, unless
REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

import json
import os
from pathlib import Path

import pytest

from projects.models import SITES_ON_PAGE, Investigator, Organization, ProjectInvestigator

from .conftest import BOSTON, TORONTO
from .browser_support import SCREENSHOTS

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {AXE} is missing: run `make setup` (npm ci)")
        pytest.skip("axe-core is not installed: run `make setup` (npm ci)")
    return AXE.read_text()


def axe_violations(driver, source) -> list[dict]:
    """Run axe-core on the loaded page; one dict per violated rule."""
    driver.set_script_timeout(60)
    driver.execute_script(source)
    return driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]})
          .then(result => done(result.violations.map(v => ({
            rule: v.id, impact: v.impact, help: v.help,
            where: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary),
          }))))
          .catch(error => done([{rule: "axe-error", help: String(error), where: []}]));
        """,
        RULES,
    )


@pytest.fixture
def site(make_project, publish):
    """A small public site with a page of every kind: lab research, a
    recruiting trial with contacts, and the browse pages they lead to."""
    lab = publish(make_project(
        lay_title="Understanding how tumors block immune cells",
        lay_summary="How TROP2 keeps immune cells out of breast tumors.",
        funding_mechanism="career_award", sponsor="Massachusetts General Hospital",
        conditions=["Breast cancer"], sites=[BOSTON],
        good_fit="People with aggressive breast cancer.", not_a_fit="People without TROP2.",
        potential_benefit="Better treatments.", similar_studies="Earlier work looked promising.",
    ))
    person = Investigator.objects.create(
        name="Dana Whitfield, MD", title="Assistant Professor", profile_url="https://example.org/dana",
        organization=Organization.objects.get(name="Massachusetts General Hospital"),
    )
    ProjectInvestigator.objects.create(project=lab, investigator=person, role="contact_pi")
    trial = make_project(
        study_type="clinical_trial", nct_id="NCT04567890", lay_title="A migraine pill",
        lay_summary="Does a daily pill prevent migraine?", conditions=["Migraine", "Breast cancer"],
        sponsor="Northwind Therapeutics", sites=[BOSTON, TORONTO], minimum_age_months=216,
        sex_eligibility="all", research_status="recruiting",
    )
    trial.contacts.create(name="Study desk", phone="555-0100", email="desk@example.org")
    trial = publish(trial)
    big = publish(make_project(
        study_type="clinical_trial", nct_id="NCT04567891",
        lay_title="A heart study at many hospitals",
        lay_summary="Does a new diet help a weak heart?", conditions=["Heart failure"],
        sites=[
            {"institution": f"Heart Clinic {n}", "city": "Columbus" if n % 2 else "Houston",
             "state": "Ohio" if n % 2 else "Texas", "country": "United States"}
            for n in range(SITES_ON_PAGE + 1)
        ],
    ))
    return {"lab": lab, "trial": trial, "person": person, "big": big}


PAGES = {
    "home": lambda s: "/",
    "listing-filtered": lambda s: "/projects/?condition=breast-cancer&study_type=nih_research",
    "listing-errors": lambda s: "/projects/?status=bogus",
    "project-lab": lambda s: s["lab"].get_absolute_url(),
    "project-trial": lambda s: s["trial"].get_absolute_url(),
    "project-many-sites": lambda s: s["big"].get_absolute_url(),
    "every-site": lambda s: s["big"].get_absolute_url() + "sites/",
    "conditions": lambda s: "/conditions/?letter=b",
    "condition": lambda s: "/conditions/breast-cancer/",
    "institutions": lambda s: "/institutions/?letter=m",
    "institution": lambda s: "/institutions/massachusetts-general-hospital/",
    "researchers": lambda s: "/researchers/",
    "researcher": lambda s: s["person"].get_absolute_url(),
    "not-found": lambda s: "/conditions/no-such-condition/",
}


@pytest.mark.parametrize("page", PAGES)
def test_public_page_has_no_accessibility_violations(browser, axe_source, live_server, site, page):  # noqa: F811
    browser.set_window_size(1280, 1000)
    browser.get(live_server.url + PAGES[page](site))
    browser.save_screenshot(str(SCREENSHOTS / f"a11y-{page}.png"))
    violations = axe_violations(browser, axe_source)
    assert violations == [], json.dumps(violations, indent=2)


def test_axe_finds_a_violation_when_there_is_one(browser, axe_source, live_server, site):  # noqa: F811
    """The check can fail: an image without alternative text is caught."""
    browser.get(live_server.url + "/conditions/")
    browser.execute_script(
        "const img = document.createElement('img'); img.src = '/static/favicon.svg';"
        "document.querySelector('main').appendChild(img);"
    )
    assert "image-alt" in {v["rule"] for v in axe_violations(browser, axe_source)}


def test_the_keyboard_reaches_the_skip_link_first_and_it_moves_focus_to_main(
    browser, live_server, site  # noqa: F811
):
    from selenium.webdriver.common.keys import Keys
    browser.get(live_server.url + "/conditions/")
    body = browser.find_element("css selector", "body")
    body.send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.get_attribute("class") == "skip-link" and focused.is_displayed()
    outline = browser.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # a visible focus style
    focused.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "main"


def test_print_styles_hide_navigation_and_show_official_addresses(browser, live_server, site):  # noqa: F811
    browser.get(live_server.url + site["trial"].get_absolute_url())
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = browser.execute_script(
            "return ['.site-nav', '.official-links', '.reuse-links', '.breadcrumb']"
            ".map(s => getComputedStyle(document.querySelector(s)).display)"
        )
        after = browser.execute_script(
            "const a = document.querySelector('.quick-facts a[href^=\"https://clinicaltrials.gov\"]');"
            "return getComputedStyle(a, '::after').content"
        )
        browser.save_screenshot(str(SCREENSHOTS / "print-trial.png"))
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert hidden == ["none", "none", "none", "none"]
    assert after == '" (https://clinicaltrials.gov/study/NCT04567890)"'


@pytest.mark.parametrize("page", ["conditions", "condition", "researchers", "researcher", "project-trial"])
def test_pages_reflow_at_320_css_pixels_without_sideways_scrolling(
    browser, live_server, site, page  # noqa: F811
):
    """WCAG 1.4.10: content fits a 320 px wide viewport (400% zoom of 1280 px)."""
    browser.set_window_size(320, 800)
    try:
        browser.get(live_server.url + PAGES[page](site))
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
        )
        browser.save_screenshot(str(SCREENSHOTS / f"reflow-{page}.png"))
    finally:
        browser.set_window_size(1280, 1000)
    assert overflow <= 0

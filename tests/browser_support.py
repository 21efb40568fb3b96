"""Helpers for the browser tests: one headless Chromium per test session,
screenshots where a person would look, and waits that follow page loads."""

import os
import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/findatrial-screenshots"))


def start_browser():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but chromium/chromedriver are not installed")
        pytest.skip("chromium and chromium-driver are not installed")

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 "--window-size=1280,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(2)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return driver


def find(driver, css):
    return driver.find_element(By.CSS_SELECTOR, css)


def find_all(driver, css):
    return driver.find_elements(By.CSS_SELECTOR, css)


def click_and_wait(driver, element):
    """Click something that loads a new page, and wait until it has.

    The old page going stale only means navigation started; the new one may
    still be loading (slow on a cold first run), so wait for it to finish too.
    """
    old_page = find(driver, "html")
    element.click()
    wait = WebDriverWait(driver, 20)
    wait.until(expected_conditions.staleness_of(old_page))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")




def login(driver, live_server, username, password, next_url="/admin/"):
    driver.delete_all_cookies()
    driver.get(f"{live_server.url}/admin/login/?next={next_url}")
    find(driver, "#id_username").send_keys(username)
    find(driver, "#id_password").send_keys(password)
    click_and_wait(driver, find(driver, "input[type=submit]"))


def screenshot(driver, name: str) -> Path:
    path = SCREENSHOTS / name
    driver.save_screenshot(str(path))
    return path

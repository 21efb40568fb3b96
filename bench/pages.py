"""Benchmark of the public pages: server time, SQL queries and HTML size of
each page with cold caches, then requests per second under gunicorn.

    DATABASE_URL=postgres://.../bench_100k python bench/pages.py --runs 30 --wrk

Run it on a database filled by bench/generate.py. It sets DEBUG off (with a
throwaway SECRET_KEY) unless the environment says otherwise. Each page is
requested ``--runs`` times through Django's full request handler (every
middleware, the URL resolver, the view, the template), with the cache
cleared before every request: the numbers are what the first visitor after
a change waits for. p50/p95 are of the server time (wall clock, database
included); "Django CPU" is the Python process's own CPU time, which other
load on the machine does not inflate; "queries" is the most any measured run
made.

``--wrk`` then starts gunicorn (2 workers) and measures requests per second
with wrk for the listing, a project page and a static file, one after the
other in the same run, with the page cache on (whatever CACHES says; set
BENCH_REDIS_URL to use Redis, as production does).

To add a page (the API, the feeds), append a line to ``pages()``. To measure
only some pages, name them: ``--only detail`` measures the pages whose name
contains "detail" (``--wrk`` still measures the listing, the typical project
page and the static file).
"""

import argparse
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_COOKIES", "0")
# TLS ends at the load balancer; the benchmark speaks plain HTTP to the app.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

# The app loaded as the app server loads it (findatrial/wsgi.py: Django set
# up, then what it loaded frozen out of the garbage collector's full passes).
import findatrial.wsgi  # noqa: E402, F401

from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.templatetags.static import static  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from projects import facets  # noqa: E402
from projects.filters import ProjectFilter  # noqa: E402
from projects.models import Facet, FacetKind, Project  # noqa: E402


def pages() -> list[tuple[str, str]]:
    """(name, URL) of every page measured, with values taken from the data."""
    menu = facets.load_menu()
    top = {
        kind: menu.choices(kind)[0].key
        for kind in (FacetKind.CONDITION, FacetKind.SPONSOR, FacetKind.STATE)
    }
    # A rare word: of the vocabulary's words of 6 letters or more, the one
    # fewest listed pages use (151 of 78,377 at 100k, 6 of 7,858 at 10k).
    rare = (
        Facet.objects.filter(kind=FacetKind.WORD, key__regex=r"^[a-z]{6,}$")
        .order_by("count", "key")
        .values_list("key", flat=True)
        .first()
    ) or "fibrosis"
    # A real rare disease's name, which the generator gives one page in seven.
    phelan = Project.objects.listed().filter(conditions__slug="phelan-mcdermid-syndrome").exists()
    trials = (
        Project.objects.listed()
        .filter(study_type="clinical_trial")
        .annotate(n=Count("project_sites"))
        .order_by("pk")
    )
    # A typical trial page (the median trial has about 8 sites) and a big one.
    detail = trials.filter(n__gte=6, n__lte=10).first() or Project.objects.listed().first()
    big = trials.filter(n__gte=100).first() or detail
    # A real word of the most common condition, misspelled (a letter dropped).
    word = next(
        w.lower()
        for c in menu.choices(FacetKind.CONDITION)
        for w in c.label.split()
        if w.isalpha() and len(w) >= 7
    )
    misspelled = word[:2] + word[3:]
    listing = "/projects/"
    found = [
        ("home", "/"),
        ("listing, no filter", listing),
        ("filter: condition (most common)", f"{listing}?condition={top[FacetKind.CONDITION]}"),
        ("filter: country", f"{listing}?country=Canada"),
        ("filter: state (most common)", f"{listing}?state={top[FacetKind.STATE]}"),
        ("filter: sponsor (most common)", f"{listing}?sponsor={top[FacetKind.SPONSOR]}"),
        ("filter: funding or phase", f"{listing}?funding=phase_2"),
        ("filter: study type", f"{listing}?study_type=observational"),
        ("filter: status", f"{listing}?status=completed"),
        ("filter: recruiting now", f"{listing}?recruiting=on"),
        ("filter: my age 45", f"{listing}?age=45"),
        ("filter: sex female", f"{listing}?sex=female"),
        ("filter: healthy volunteers", f"{listing}?healthy=on"),
        ("search: common word", f"{listing}?q=cancer"),
        ("search: rare word", f"{listing}?q={rare}"),
        ("search: word on 15% of pages", f"{listing}?q={'phelan' if phelan else 'fibrosis'}"),
        (f"search: misspelled ({misspelled})", f"{listing}?q={misspelled}"),
        ("search + 2 filters", f"{listing}?q=cancer&country=United+States&recruiting=on"),
        ("patient: recruiting, age 45, female", f"{listing}?recruiting=on&age=45&sex=female"),
        ("contradictory filters (0 results)", f"{listing}?study_type=nih_research&country=Canada"),
        ("sort: relevance (search)", f"{listing}?q=cancer&sort=relevance"),
        ("sort: last reviewed", f"{listing}?sort=-reviewed"),
        ("sort: newest", f"{listing}?sort=newest"),
        ("sort: title", f"{listing}?sort=title"),
        ("deep page (100)", f"{listing}?page=100"),
        ("deep page, filtered", f"{listing}?status=completed&page=100"),
        ("detail page", detail.get_absolute_url()),
        ("API: projects", "/api/v1/projects/"),
        ("API: projects, search + filter", "/api/v1/projects/?q=cancer&recruiting=on"),
        ("feed: RSS", "/feeds/projects.rss"),
        (
            f"detail page, trial with {big.n if hasattr(big, 'n') else '?'} sites",
            big.get_absolute_url(),
        ),
        ("every site of that trial", reverse("projects:sites", args=[big.slug])),
    ]
    if "near" in ProjectFilter.base_filters:
        found[13:13] = [
            ("place: near 02114, 25 miles", f"{listing}?near=02114&radius=25"),
            (
                "place + search + recruiting",
                f"{listing}?q=cancer&near=02114&radius=50&recruiting=on",
            ),
            ("place + search", f"{listing}?q=cancer&near=02114&radius=50"),
            # New York: the generator's biggest hub (4,186 sites and 151,471
            # links within 25 miles at 100k, against Boston's 223 and 8,153).
            ("place: near 10001 (biggest hub), 25 miles", f"{listing}?near=10001&radius=25"),
            ("place + search: near 10001", f"{listing}?q=cancer&near=10001&radius=25"),
            ("place + recruiting: near 10001", f"{listing}?recruiting=on&near=10001&radius=25"),
            # A word on a few percent of pages: its matches are found first.
            ("place + rarer word: near 10001", f"{listing}?q=asthma&near=10001&radius=25"),
        ]
    return found


def measure(runs: int, only: list[str]) -> list[tuple]:
    client = Client()
    cache = caches["default"]
    rows = []
    for name, url in pages():
        if only and not any(word in name for word in only):
            continue
        times, cpu, queries, size, status = [], [], 0, 0, 0
        for run in range(runs + 2):
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                elapsed_cpu = (time.process_time() - started_cpu) * 1000
            # Two warm-up runs: Python imports, template loading, and what a
            # connection does once (SQLite's probe of its JSON support).
            if run >= 2:
                times.append(elapsed)
                cpu.append(elapsed_cpu)
                queries = max(queries, len(captured.captured_queries))
            size, status = len(response.content), response.status_code
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        rows.append(
            (
                name,
                url,
                status,
                statistics.median(times),
                p95,
                statistics.median(cpu),
                queries,
                size / 1024,
            )
        )
    return rows


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def throughput(seconds: int, detail_url: str) -> list[tuple[str, float]]:
    """Requests per second under gunicorn (2 workers) for the listing, a
    project page and a static file, measured one after the other."""
    env = dict(os.environ)
    port = _free_port()  # not a fixed one: another bench run may be serving on it
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        [
            gunicorn,
            "findatrial.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--env",
            f"DJANGO_SETTINGS_MODULE={env['DJANGO_SETTINGS_MODULE']}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    targets = [
        ("listing", "/projects/"),
        ("detail page", detail_url),
        ("static file", static("css/site.css")),
    ]
    try:
        for _ in range(100):
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {server.returncode}")
            try:
                urllib.request.urlopen(base + "/projects/", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)
        results = []
        for name, path in targets:
            for _ in range(20):  # fill both workers' caches
                urllib.request.urlopen(base + path, timeout=5).read()
            out = subprocess.run(
                ["wrk", "-t2", "-c16", f"-d{seconds}s", base + path],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            results.append((name, float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))))
        return results
    finally:
        server.terminate()
        server.wait(10)


def cpu_check() -> float:
    """Milliseconds of CPU for a fixed piece of pure Python, the best of
    five: how fast this (shared) machine runs at the moment, to read two
    runs' figures against each other."""
    times = []
    for _ in range(5):
        started = time.process_time()
        sum(i * i for i in range(300_000))
        times.append((time.process_time() - started) * 1000)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--wrk", action="store_true", help="also measure requests per second")
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument(
        "--only", nargs="+", default=[], metavar="WORD", help="only the pages named with WORD"
    )
    args = parser.parse_args()
    # DEBUG off serves hashed static files from the manifest: build it.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True
    )
    print(f"load average before: {os.getloadavg()[0]:.2f}; CPU check: {cpu_check():.1f} ms")
    total = Project.objects.count()
    listed = Project.objects.listed().count()
    print(
        f"{connection.vendor}, {total:,} projects ({listed:,} listed), "
        f"{args.runs} runs per page, caches cleared before each request\n"
    )
    for name, url in pages():
        if name.startswith("search:"):
            print(f"{name}: {url}")
    rows = measure(args.runs, args.only)
    print("| page | status | p50 ms | p95 ms | Django CPU p50 ms | SQL queries | HTML KB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, _url, status, p50, p95, cpu, queries, size in rows:
        print(
            f"| {name} | {status} | {p50:.1f} | {p95:.1f} | {cpu:.1f} | {queries} | {size:.1f} |"
        )
    print(f"\nload average after: {os.getloadavg()[0]:.2f}; CPU check: {cpu_check():.1f} ms")
    if args.wrk:
        detail_url = dict(pages())["detail page"]
        print("\n| under gunicorn, 2 workers, cache on | requests/s |")
        print("| --- | ---: |")
        for name, rps in throughput(args.wrk_seconds, detail_url):
            print(f"| {name} | {rps:,.0f} |")


if __name__ == "__main__":
    main()

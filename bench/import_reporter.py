#!/usr/bin/env python
"""Benchmark: import 100,000 NIH RePORTER records, on SQLite and PostgreSQL.

    .venv/bin/python bench/import_reporter.py                  # SQLite only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/findatrial_bench \\
        .venv/bin/python bench/import_reporter.py              # SQLite, then PostgreSQL
    .venv/bin/python bench/import_reporter.py --records 20000 --keep

1. Generates a realistic JSON Lines file (gzip) of RePORTER API v2 records,
   once, into ``--data`` (default /tmp/findatrial-bench/reporter-100000.jsonl.gz).
   Every record is a real record from tests/fixtures/reporter/ resampled
   with variations, with the shapes and value distributions of the real
   ones: organizations and investigators repeat the way they do in
   RePORTER (a few institutions hold many grants; most investigators hold
   one or two), activity codes follow the real mix (R01 most), centers
   have subprojects, about a third of grants appear in two to four fiscal
   years (in any order, mostly far apart in the file: records are
   shuffled 10,000 at a time), a few have supplements, and titles,
   abstracts and terms are the real ones, reshuffled.
2. For each database, creates it fresh (a new SQLite file; with
   DATABASE_URL, drops and creates that PostgreSQL database, whose name
   must contain "bench"), migrates it, and runs ``import_reporter`` in a
   child process, as production would (DEBUG off).
3. Prints records per second, the peak resident memory of the importer and
   of its reader process (``ru_maxrss``), and their peak physical memory together
   (the sum of their PSS, sampled every half second: pages they share counted once),
   timing the import itself (not Python's and Django's start-up).

The targets (README, "Importers"): 100,000 records in at most 60 s and at
most 200 MB of memory, on each database; the memory checked is the two
processes' physical memory together (their RSS summed would count the
~55 MB of Django and code they share twice).
"""

import argparse
import copy
import gzip
import itertools
import json
import os
import random
import re
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "reporter"
TARGET_SECONDS, TARGET_MB = 60, 200

# Weights of activity codes, close to NIH's yearly mix of awards.
ACTIVITY_MIX = {
    "R01": 36,
    "R21": 8,
    "R35": 3,
    "R03": 2,
    "R33": 1,
    "R61": 1,
    "R34": 1,
    "R37": 1,
    "K23": 3,
    "K08": 2,
    "K01": 2,
    "K99": 1,
    "K24": 1,
    "F31": 3,
    "F32": 2,
    "F30": 1,
    "T32": 3,
    "U01": 4,
    "U54": 1,
    "UG3": 1,
    "U24": 1,
    "P01": 3,
    "P30": 3,
    "P50": 2,
    "P42": 1,  # centers: several subprojects each
    "R43": 3,
    "R44": 2,
    "R41": 1,
    "ZIA": 3,
    "ZIC": 1,
    "G11": 1,
    "D43": 1,
    "S10": 1,
}
CENTER_CODES = {"P01", "P30", "P50", "P42", "U54"}
INSTITUTES = [
    ("CA", "NCI", "National Cancer Institute"),
    ("HL", "NHLBI", "National Heart, Lung, and Blood Institute"),
    ("AG", "NIA", "National Institute on Aging"),
    ("AI", "NIAID", "National Institute of Allergy and Infectious Diseases"),
    ("DK", "NIDDK", "National Institute of Diabetes and Digestive and Kidney Diseases"),
    ("MH", "NIMH", "National Institute of Mental Health"),
    ("NS", "NINDS", "National Institute of Neurological Disorders and Stroke"),
    ("GM", "NIGMS", "National Institute of General Medical Sciences"),
    ("DA", "NIDA", "National Institute on Drug Abuse"),
    (
        "HD",
        "NICHD",
        "Eunice Kennedy Shriver National Institute of Child Health and Human Development",
    ),
    ("EY", "NEI", "National Eye Institute"),
    ("ES", "NIEHS", "National Institute of Environmental Health Sciences"),
]
CAMPUSES = [
    "",
    "MEDICAL CENTER",
    "SCHOOL OF MEDICINE",
    "HEALTH SCIENCES CENTER",
    "RESEARCH INSTITUTE",
    "CHILDREN'S HOSPITAL",
    "CANCER CENTER",
    "COLLEGE OF MEDICINE",
    "HOSPITAL",
    "HEALTH SYSTEM",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--data", type=Path, help="the JSONL.gz file (generated if missing)")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument(
        "--single-process", action="store_true", help="import as --single-process does"
    )
    parser.add_argument("--child", nargs=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_import(Path(args.child[0]), parallel=not args.single_process)
    data = (
        args.data
        or Path(tempfile.gettempdir()) / "findatrial-bench" / f"reporter-{args.records}.jsonl.gz"
    )
    if args.regenerate or not data.exists():
        started = time.perf_counter()
        generate(data, args.records)
        print(
            f"Generated {args.records:,} records in {time.perf_counter() - started:.0f} s: "
            f"{data} ({data.stat().st_size / 1e6:.0f} MB gzip)"
        )
    targets = [("SQLite", sqlite_url(args.records))]
    if os.environ.get("DATABASE_URL") and not args.sqlite_only:
        targets.append(("PostgreSQL", os.environ["DATABASE_URL"]))
    failed = False
    for name, url in targets:
        fresh_database(url)
        result = run_child(data, url, args.single_process)
        # Physical memory of the importer and its reader together (PSS: shared pages once).
        peak = result["peak_pss_mb"]
        ok = result["seconds"] <= TARGET_SECONDS and peak <= TARGET_MB
        failed |= not ok
        reader = (
            f" + reader process {result['reader_peak_mb']:.0f} MB"
            if result["reader_peak_mb"]
            else ""
        )
        server = (
            f", database server {result['server_cpu_seconds']:.1f} s"
            if result["server_cpu_seconds"]
            else ""
        )
        print(
            f"{name}: {result['records']:,} records in {result['seconds']:.1f} s = "
            f"{result['records'] / result['seconds']:,.0f} records/s; CPU: importer "
            f"{result['cpu_seconds']:.1f} s, reader {result['reader_cpu_seconds']:.1f} s{server}; "
            f"peak RSS {result['peak_mb']:.0f} MB{reader}, together {peak:.0f} MB "
            f"(PSS: shared pages counted once); load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {result['summary']} -> "
            f"{'within' if ok else 'MISSES'} the target ({TARGET_SECONDS} s, {TARGET_MB} MB)"
        )
        if name == "SQLite" and not args.keep:
            Path(urlsplit(url).path).unlink(missing_ok=True)
    return 1 if failed else 0


# Generating ------------------------------------------------------------------------------


def generate(path: Path, count: int, seed: int = 20260811) -> None:
    """Write ``count`` resampled records as gzip JSON Lines, streaming."""
    rng = random.Random(seed)
    real = _real_records()
    pools = _pools(real, rng)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    appl_id = 20_000_000
    codes = list(ACTIVITY_MIX)
    code_weights = list(itertools.accumulate(ACTIVITY_MIX.values()))
    shuffled = _Shuffler(rng)
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=3) as out:
        shuffled.out = out
        serial = 100_000
        while written < count:
            code = rng.choices(codes, cum_weights=code_weights)[0]
            ic = rng.choice(INSTITUTES)
            serial += rng.randint(1, 7)
            core = f"{code}{ic[0]}{serial:06d}"
            org = pools.organization(rng)
            subprojects = (
                [""]
                if code not in CENTER_CODES
                else [str(rng.randint(5000, 9999)) for _ in range(rng.randint(2, 6))]
            )
            years = _fiscal_years(rng)
            for subproject in subprojects:
                template = rng.choice(real)
                people = pools.team(rng, org)
                for position, year in enumerate(years):
                    supplements = [""] + (["S1"] if rng.random() < 0.02 else [])
                    for suffix in supplements:
                        appl_id += rng.randint(1, 40)
                        record = _record(
                            template,
                            rng,
                            pools,
                            core,
                            code,
                            ic,
                            subproject,
                            year,
                            position,
                            suffix,
                            appl_id,
                            org,
                            people,
                        )
                        shuffled.write(json.dumps(record))
                        written += 1
                        if written >= count:
                            shuffled.flush()
                            return


class _Shuffler:
    """Records leave in a shuffled order, 10,000 at a time, as in a search
    result sorted by relevance: a grant's fiscal years are mostly far apart
    (different batches), so the import updates projects with newer years
    and passes over older ones arriving later, as it does with real files."""

    size = 10_000

    def __init__(self, rng):
        self.rng, self.lines, self.out = rng, [], None

    def write(self, line: str) -> None:
        self.lines.append(line)
        if len(self.lines) >= self.size:
            self.flush()

    def flush(self) -> None:
        self.rng.shuffle(self.lines)
        self.out.write("".join(line + "\n" for line in self.lines))
        self.lines = []


def _fiscal_years(rng) -> list[int]:
    spread = rng.choices([1, 2, 3, 4], weights=[65, 20, 10, 5])[0]
    first = rng.randint(2022, 2026 - spread)
    years = list(range(first, first + spread))
    if spread > 1 and rng.random() < 0.25:
        rng.shuffle(years)  # files are not always oldest-first
    return years


def _record(
    template, rng, pools, core, code, ic, subproject, year, position, suffix, appl_id, org, people
):
    record = copy.deepcopy(template)
    support_year = 1 + position + rng.randint(0, 4)
    appl_type = "3" if suffix else ("1" if support_year == 1 else "5")
    project_num = f"{appl_type}{core}-{support_year:02d}{suffix}"
    start = rng.randint(2014, 2023)
    record.update(
        {
            "appl_id": appl_id,
            "subproject_id": subproject or None,
            "fiscal_year": year,
            "project_num": project_num,
            "core_project_num": core,
            "activity_code": code,
            "project_serial_num": core[5:],
            "organization": org,
            "award_amount": rng.randint(40_000, 3_500_000),
            "project_start_date": f"{start}-{rng.randint(1, 12):02d}-01T00:00:00",
            "project_end_date": f"{start + rng.randint(2, 6)}-{rng.randint(1, 12):02d}-28T00:00:00",
            "date_added": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T16:13:37",
            "project_detail_url": f"https://reporter.nih.gov/project-details/{appl_id}",
            "agency_ic_admin": {"code": ic[0], "abbreviation": ic[1], "name": ic[2]},
            "principal_investigators": people["pis"],
            "contact_pi_name": people["contact_pi_name"],
            "program_officers": people["officers"],
            "project_title": pools.title(rng),
            "abstract_text": pools.abstract(rng),
            "terms": "".join(f"<{t}>" for t in rng.sample(pools.terms, rng.randint(60, 260))),
            "pref_terms": ";".join(sorted(rng.sample(pools.pref_terms, rng.randint(30, 120)))),
            "spending_categories_desc": "; ".join(
                sorted(rng.sample(pools.categories, rng.randint(1, 12)))
            )
            if rng.random() < 0.8
            else None,
        }
    )
    record["project_num_split"] = dict(
        record.get("project_num_split") or {},
        appl_type_code=appl_type,
        activity_code=code,
        ic_code=ic[0],
        serial_num=core[5:],
        support_year=f"{support_year:02d}",
        suffix_code=suffix,
    )
    return record


def _real_records() -> list[dict]:
    return json.loads((FIXTURES / "shadow-markets_nih_projects.json").read_text())


class _Pools:
    pass


def _pools(real, rng) -> _Pools:
    pools = _Pools()
    pages = [json.loads(p.read_text())["results"] for p in FIXTURES.glob("biomcp_*.json")]
    everyone = real + [r for page in pages for r in page]
    orgs = {
        r["organization"]["org_name"]: r["organization"]
        for r in everyone
        if r["organization"].get("org_city")
    }
    # About 3,000 institutions: the real ones, and campuses/variants of them in the real cities.
    cities = sorted({(o["org_city"], o["org_state"], o["org_zipcode"]) for o in orgs.values()})
    institutions = list(orgs.values())
    for n in range(3000 - len(institutions)):
        base = rng.choice(list(orgs.values()))
        city, state, zip_code = rng.choice(cities)
        campus = CAMPUSES[n % len(CAMPUSES)]
        name = re.sub(
            r"\s+", " ", f"{base['org_name']} {campus} {_roman(n // len(CAMPUSES) + 1)}"
        ).strip()
        institutions.append(
            dict(base, org_name=name, org_city=city, org_state=state, org_zipcode=zip_code)
        )
    weights = list(
        itertools.accumulate(1 / (rank + 1) ** 0.9 for rank in range(len(institutions)))
    )
    pools.organization = lambda r: r.choices(institutions, cum_weights=weights)[0]

    pis = [p for r in everyone for p in r["principal_investigators"]]
    firsts = sorted({p["first_name"].strip() for p in pis if p["first_name"].strip()})
    lasts = sorted({p["last_name"].strip() for p in pis if p["last_name"].strip()})
    titles = sorted({p["title"] for p in pis}) or [""]
    officers = [o for r in everyone for o in r.get("program_officers") or []]
    people = []  # about 60,000 investigators, each with a home institution
    used = set()
    while len(people) < 60_000:
        first, last = rng.choice(firsts), rng.choice(lasts)
        middle = rng.choice("ABCDEFGHJKLMNPRSTW")
        if rng.random() < 0.5:
            last = f"{last}-{rng.choice(lasts)}"
        if (first, middle, last) in used:
            continue
        used.add((first, middle, last))
        shout = rng.random() < 0.3
        people.append(
            {
                "profile_id": 1_000_000 + len(people) * 7,
                "first_name": first.upper() if shout else first,
                "middle_name": middle,
                "last_name": last.upper() if shout else last,
                "full_name": f"{first} {middle} {last}",
                "title": rng.choice(titles),
            }
        )
    person_weights = list(
        itertools.accumulate(1 / (rank + 1) ** 0.6 for rank in range(len(people)))
    )

    def team(r, org):
        size = r.choices([1, 2, 3, 4], weights=[70, 18, 8, 4])[0]
        chosen = []
        for person in r.choices(people, cum_weights=person_weights, k=size):
            if person not in chosen:
                chosen.append(person)
        contact = 0
        pis = [dict(p, is_contact_pi=i == contact) for i, p in enumerate(chosen)]
        lead = chosen[contact]
        return {
            "pis": pis,
            "contact_pi_name": f"{lead['last_name'].upper()}, {lead['first_name'].upper()} {lead['middle_name']}",
            "officers": [r.choice(officers)] if officers and r.random() < 0.85 else [],
        }

    pools.team = team
    real_titles = [r["project_title"] for r in everyone]
    words = sorted({w for t in real_titles for w in t.split() if w.isalpha() and len(w) > 4})
    pools.title = lambda r: (
        f"{r.choice(real_titles)} {' '.join(r.sample(words, r.randint(0, 3)))}".strip()
    )
    abstracts = [r["abstract_text"] for r in real if r.get("abstract_text")]
    sentences = [s for a in abstracts for s in re.split(r"(?<=\.)\s+", a) if len(s) > 40]

    def abstract(r):
        text = r.choice(abstracts)
        if r.random() < 0.5:  # a variation: some sentences borrowed from another abstract
            text += " " + " ".join(r.sample(sentences, r.randint(2, 8)))
        return text

    pools.abstract = abstract
    pools.terms = sorted(
        {t for r in real for t in re.findall(r"<([^<>]+)>", r.get("terms") or "")}
    )
    pools.pref_terms = sorted(
        {t for r in real for t in (r.get("pref_terms") or "").split(";") if t}
    )
    pools.categories = sorted(
        {
            c.strip()
            for r in real
            for c in (r.get("spending_categories_desc") or "").split(";")
            if c.strip()
        }
    )
    return pools


def _roman(n: int) -> str:
    numerals = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ]
    out = ""
    for value, letters in numerals:
        while n >= value:
            out, n = out + letters, n - value
    return out


# Databases ---------------------------------------------------------------------------------


def sqlite_url(count: int) -> str:
    return (
        f"sqlite:///{Path(tempfile.gettempdir()) / 'findatrial-bench' / f'bench-{count}.sqlite3'}"
    )


def fresh_database(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = Path(parts.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        name = parts.path.lstrip("/")
        if "bench" not in name:
            sys.exit(f"Refusing to drop database {name!r}: its name must contain 'bench'.")
        import psycopg

        server = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        check=True,
        env=_env(url),
    )


def _env(url: str) -> dict:
    # Production settings (DEBUG off), with a throwaway key for this run only.
    return dict(os.environ, DATABASE_URL=url, DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50))


def run_child(data: Path, url: str, single_process: bool) -> dict:
    command = [sys.executable, __file__, "--child", str(data)]
    result = subprocess.run(
        command + (["--single-process"] if single_process else []),
        cwd=ROOT,
        env=_env(url),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"The import failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def child_import(data: Path, parallel: bool) -> int:
    """In the child process: import ``data`` as ``import_reporter`` does."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "findatrial.settings")
    import logging

    import django

    django.setup()
    logging.getLogger("projects.importers").setLevel(logging.ERROR)
    from projects.importers import pipeline

    server = _server_cpu_reader()
    memory = _PssSampler()
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    with memory:
        summary = pipeline.import_files(pipeline.REPORTER, [data], parallel=parallel)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    reader = resource.getrusage(resource.RUSAGE_CHILDREN)  # the reader process, when parallel
    cpu = usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime
    records = summary.created + summary.updated + summary.unchanged + summary.skipped
    print(
        json.dumps(
            {
                "records": records,
                "seconds": seconds,
                "summary": str(summary),
                "server_cpu_seconds": server(),
                "cpu_seconds": cpu,
                "reader_cpu_seconds": reader.ru_utime + reader.ru_stime,
                # ru_maxrss is in kilobytes on Linux
                "peak_mb": usage.ru_maxrss / 1024,
                "reader_peak_mb": reader.ru_maxrss / 1024,
                "peak_pss_mb": memory.peak_kb / 1024,
            }
        )
    )
    return 0


class _PssSampler:
    """The peak physical memory of this process and its children (the
    reader), summed as PSS every half second while the import runs.

    ``ru_maxrss`` of a forked reader counts the pages it still shares with
    the importer (Django, the settings, the code: about 55 MB) a second
    time; PSS divides each shared page between the processes sharing it,
    so the sum is what the import really holds in RAM.

    Reading a process's PSS makes the kernel walk its page tables: about
    4 ms of CPU for the 150 MB importer, charged to the import. Sampled
    every 50 ms, the sampler took a fifth of a core from an import that
    keeps both cores busy; every half second it takes 2%, and the import's
    memory (one batch at a time) does not rise and fall faster than that."""

    def __init__(self, interval: float = 0.5):
        import threading

        self.interval, self.peak_kb = interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        pids = [os.getpid(), *self._children()]
        self.peak_kb = max(self.peak_kb, sum(self._pss_kb(pid) for pid in pids))

    @staticmethod
    def _children() -> list[int]:
        found = []
        for task in Path("/proc/self/task").iterdir():
            try:
                found += [int(pid) for pid in (task / "children").read_text().split()]
            except OSError:
                continue
        return found

    @staticmethod
    def _pss_kb(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1])
        except OSError:  # the reader has just ended
            pass
        return 0


def _server_cpu_reader():
    """A function giving the CPU seconds the PostgreSQL backend serving this
    import has used since now (0 on SQLite, which runs in the importer)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return lambda: 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]

    def used() -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the server runs elsewhere
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    start = used()
    return lambda: used() - start


if __name__ == "__main__":
    sys.exit(main())

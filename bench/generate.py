"""Fill an empty, migrated database with N realistic projects for the
benchmark (bench/pages.py).

    DATABASE_URL=postgres://.../bench_100k python bench/generate.py --projects 100000

Shapes follow the real records in shared/data (RePORTER projects, the
ClinicalTrials.gov studies) and the demo set: half NIH-funded lab research
with one site (the grantee institution), half registry studies (trials,
observational studies, a few expanded-access programs) whose site counts
run from 1 to several hundred (a long tail, about 7 links per project
overall); organizations, sites and investigators are shared across
projects, concentrated in the big research cities as real ones are;
conditions follow a long-tailed popularity (a few hundred projects on
"breast cancer", a handful on "Phelan-McDermid syndrome"); official titles
and abstracts reuse the real records' text. 80% of the projects are
published (a few of those archived); the rest are drafts or in review.

Rows go in with ``bulk_create`` (no signals), so the script rebuilds the
facet counts at the end, as ``manage.py refresh_facets`` does. On
PostgreSQL the search-vector trigger fills each row as it is inserted, and
the script runs VACUUM FULL ANALYZE, as one would after any bulk load: the
rebuild rewrote every search index row (its facet keys), leaving half of
that table dead, and the planner must know the new tables.
Deterministic for a given ``--seed``.
"""

import argparse
import datetime
import glob
import json
import math
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "findatrial.settings")
os.environ.setdefault("DEBUG", "1")  # a development tool: development settings

import django  # noqa: E402

django.setup()

import zipcodes  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402

from projects import facets, leaders  # noqa: E402
from projects.choices import (  # noqa: E402
    NIH_MECHANISMS,
    ContactRole,
    InvestigatorRole,
    ResearchStatus,
    Status,
    StudyType,
)
from projects.models import (  # noqa: E402
    Condition,
    Contact,
    Investigator,
    Organization,
    Project,
    ProjectInvestigator,
    ProjectSite,
    Site,
)

SHARED = Path(os.environ.get("SHARED_DATA", ROOT.parent.parent / "shared" / "data"))
if not SHARED.exists():
    SHARED = Path("/work/shared/data")

US_STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "PR": "Puerto Rico",
}
#: (city, region, country, latitude, longitude, weight): where registry
#: studies run outside the US.
ABROAD = [
    ("Toronto", "Ontario", "Canada", 43.65, -79.38, 8),
    ("Montreal", "Quebec", "Canada", 45.50, -73.57, 6),
    ("Vancouver", "British Columbia", "Canada", 49.28, -123.12, 4),
    ("Calgary", "Alberta", "Canada", 51.05, -114.07, 2),
    ("London", "England", "United Kingdom", 51.51, -0.13, 8),
    ("Manchester", "England", "United Kingdom", 53.48, -2.24, 3),
    ("Glasgow", "Scotland", "United Kingdom", 55.86, -4.25, 2),
    ("Paris", "Île-de-France", "France", 48.86, 2.35, 7),
    ("Lyon", "Auvergne-Rhône-Alpes", "France", 45.76, 4.84, 3),
    ("Berlin", "Berlin", "Germany", 52.52, 13.40, 5),
    ("Munich", "Bavaria", "Germany", 48.14, 11.58, 4),
    ("Heidelberg", "Baden-Württemberg", "Germany", 49.40, 8.67, 3),
    ("Madrid", "Community of Madrid", "Spain", 40.42, -3.70, 5),
    ("Barcelona", "Catalonia", "Spain", 41.39, 2.17, 5),
    ("Milan", "Lombardy", "Italy", 45.46, 9.19, 4),
    ("Rome", "Lazio", "Italy", 41.90, 12.50, 3),
    ("Amsterdam", "North Holland", "Netherlands", 52.37, 4.90, 3),
    ("Leuven", "Flemish Brabant", "Belgium", 50.88, 4.70, 3),
    ("Copenhagen", "Capital Region", "Denmark", 55.68, 12.57, 2),
    ("Stockholm", "Stockholm County", "Sweden", 59.33, 18.07, 2),
    ("Warsaw", "Masovian", "Poland", 52.23, 21.01, 3),
    ("Prague", "Prague", "Czechia", 50.08, 14.44, 2),
    ("Beijing", "Beijing", "China", 39.90, 116.40, 7),
    ("Shanghai", "Shanghai", "China", 31.23, 121.47, 7),
    ("Guangzhou", "Guangdong", "China", 23.13, 113.26, 4),
    ("Seoul", "Seoul", "Korea, Republic of", 37.57, 126.98, 5),
    ("Tokyo", "Tokyo", "Japan", 35.68, 139.69, 5),
    ("Osaka", "Osaka", "Japan", 34.69, 135.50, 2),
    ("Sydney", "New South Wales", "Australia", -33.87, 151.21, 4),
    ("Melbourne", "Victoria", "Australia", -37.81, 144.96, 4),
    ("São Paulo", "São Paulo", "Brazil", -23.55, -46.63, 3),
    ("Buenos Aires", "Buenos Aires", "Argentina", -34.60, -58.38, 2),
    ("Mexico City", "Ciudad de México", "Mexico", 19.43, -99.13, 2),
    ("Tel Aviv", "Tel Aviv", "Israel", 32.09, 34.78, 3),
    ("Cairo", "Cairo Governorate", "Egypt", 30.04, 31.24, 2),
    ("Istanbul", "Istanbul", "Turkey", 41.01, 28.98, 2),
    ("Mumbai", "Maharashtra", "India", 19.08, 72.88, 2),
    ("Taipei", "Taipei", "Taiwan", 25.03, 121.57, 2),
    ("Singapore", "", "Singapore", 1.35, 103.82, 2),
    ("Johannesburg", "Gauteng", "South Africa", -26.20, 28.05, 2),
]
#: A few of the biggest research cities, weighted up (as real site counts are).
HUBS = {
    ("Boston", "MA"): 40,
    ("New York", "NY"): 45,
    ("Philadelphia", "PA"): 25,
    ("Houston", "TX"): 30,
    ("Los Angeles", "CA"): 25,
    ("Chicago", "IL"): 25,
    ("Baltimore", "MD"): 20,
    ("Seattle", "WA"): 18,
    ("San Francisco", "CA"): 18,
    ("Nashville", "TN"): 14,
    ("Pittsburgh", "PA"): 14,
    ("Ann Arbor", "MI"): 12,
    ("Rochester", "MN"): 14,
    ("Durham", "NC"): 12,
    ("Atlanta", "GA"): 14,
    ("Saint Louis", "MO"): 12,
    ("Cleveland", "OH"): 14,
    ("Bethesda", "MD"): 10,
    ("Dallas", "TX"): 14,
    ("San Diego", "CA"): 12,
    ("Denver", "CO"): 10,
    ("Miami", "FL"): 12,
    ("Salt Lake City", "UT"): 8,
    ("Columbus", "OH"): 8,
    ("Minneapolis", "MN"): 8,
    ("Portland", "OR"): 8,
    ("New Haven", "CT"): 8,
    ("Birmingham", "AL"): 7,
    ("Aurora", "CO"): 6,
    ("Stanford", "CA"): 8,
    ("Madison", "WI"): 7,
    ("Iowa City", "IA"): 5,
    ("Chapel Hill", "NC"): 8,
    ("Charlottesville", "VA"): 5,
}
INSTITUTION_PATTERNS = [
    "{city} General Hospital",
    "{city} Medical Center",
    "University of {state} Medical Center",
    "{city} Children's Hospital",
    "{city} Cancer Center",
    "{saint} Hospital of {city}",
    "{city} Veterans Affairs Medical Center",
    "{state} University Health",
    "{city} Clinical Research",
    "{city} Memorial Hospital",
    "{saint} Medical Center",
    "{city} Regional Medical Center",
    "{state} Oncology Associates",
    "{city} Heart Institute",
    "{city} Neurology Research Center",
]
SAINTS = [
    "St. Mary's",
    "St. Luke's",
    "St. Joseph's",
    "Mercy",
    "Providence",
    "Good Samaritan",
    "Baptist",
    "Methodist",
    "Presbyterian",
    "Sacred Heart",
    "St. Vincent's",
    "Beth Israel",
]
COMPANY_PARTS = [
    "Northwind",
    "Bluestem",
    "Cedar",
    "Aurora",
    "Meridian",
    "Harbor",
    "Summit",
    "Keystone",
    "Lumen",
    "Vireo",
    "Helix",
    "Orchid",
    "Granite",
    "Tidewater",
    "Sable",
    "Quarry",
    "Juniper",
    "Alder",
    "Beacon",
    "Corvid",
    "Delta",
    "Ember",
    "Fable",
]
COMPANY_KINDS = [
    "Therapeutics",
    "Pharmaceuticals",
    "Biosciences",
    "Oncology",
    "Bio",
    "Medical",
    "Genomics",
    "Health",
]
FIRST_NAMES = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William "
    "Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Wei Priya Hiroshi "
    "Ana Carlos Fatima Olga Ahmed Mei Raj Sofia Lucas Amara Yuki Ines Kwame Lena Omar "
    "Nadia Diego Elena Tomas Aisha Kenji Maya Noah Zoe Ravi Chen Hana"
).split()
LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright "
    "Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell "
    "Mitchell Carter Roberts Chen Wang Patel Kim Singh Kumar Okafor Silva Cohen Novak "
    "Schmidt Rossi Tanaka Sato Haddad Mendes Larsen Fischer Moreau Ivanova"
).split()
BASE_CONDITIONS = (
    "Breast cancer|Lung cancer|Prostate cancer|Colorectal cancer|Pancreatic cancer|Ovarian cancer|"
    "Melanoma|Leukemia|Lymphoma|Multiple myeloma|Glioblastoma|Bladder cancer|Kidney cancer|"
    "Liver cancer|Head and neck cancer|Cervical cancer|Sarcoma|Thyroid cancer|Gastric cancer|"
    "Esophageal cancer|Type 2 diabetes|Type 1 diabetes|Obesity|Hypertension|Heart failure|"
    "Coronary artery disease|Atrial fibrillation|Stroke|Asthma|COPD|Cystic fibrosis|"
    "Pulmonary fibrosis|Alzheimer's disease|Parkinson's disease|Multiple sclerosis|ALS|Epilepsy|"
    "Migraine|Depression|Anxiety|Bipolar disorder|Schizophrenia|PTSD|Autism spectrum disorder|"
    "ADHD|Opioid use disorder|Alcohol use disorder|Smoking cessation|Insomnia|Sleep apnea|"
    "Chronic pain|Low back pain|Osteoarthritis|Rheumatoid arthritis|Lupus|Psoriasis|"
    "Atopic dermatitis|Crohn's disease|Ulcerative colitis|Celiac disease|Chronic kidney disease|"
    "HIV|Hepatitis B|Hepatitis C|COVID-19|Influenza|Tuberculosis|Malaria|Sepsis|"
    "Sickle cell disease|Hemophilia|Osteoporosis|Macular degeneration|Glaucoma|Hearing loss|"
    "Preterm birth|Preeclampsia|Endometriosis|Polycystic ovary syndrome|Infertility|Menopause|"
    "Prostate enlargement|Urinary incontinence|Fragile X syndrome|Rett syndrome|Down syndrome|"
    "Duchenne muscular dystrophy|Spinal muscular atrophy|Huntington's disease|"
    "Phelan-McDermid syndrome|Angelman syndrome|Prader-Willi syndrome|Tuberous sclerosis|"
    "Williams syndrome|Turner syndrome|Marfan syndrome|Traumatic brain injury|"
    "Spinal cord injury|Cerebral palsy|Dementia|Frailty|Falls in older adults|"
    "Healthy aging|Pressure ulcers|Burns|Postoperative pain|Anemia|Kidney transplant|"
    "Liver transplant|Graft versus host disease|Food allergy|Eczema|Acne|Dental caries|"
    "Periodontitis|Myocardial infarction|Peripheral artery disease|Venous thromboembolism"
).split("|")
MODIFIERS = [
    "Metastatic",
    "Recurrent",
    "Early-stage",
    "Advanced",
    "Pediatric",
    "Refractory",
    "Stage III",
    "Stage IV",
    "Triple-negative",
    "Newly diagnosed",
    "Severe",
    "Mild",
]
PLAIN_VERBS = [
    "Testing",
    "Studying",
    "Understanding",
    "Improving",
    "Preventing",
    "Treating",
    "Tracking",
    "Comparing",
    "Measuring",
    "Reducing",
]
PLAIN_TOPICS = [
    "a new medicine for",
    "exercise for people with",
    "a blood test to detect",
    "how the immune system responds to",
    "a digital coaching program for",
    "genes that raise the risk of",
    "a shorter treatment for",
    "sleep and",
    "brain imaging in",
    "a vaccine against",
    "nutrition and",
    "early signs of",
    "a combination therapy for",
    "quality of life with",
    "telehealth care for",
]
SUMMARY_SENTENCES = [
    "This {kind} looks at {topic} {condition}.",
    "Researchers want to learn whether {topic} {condition} can help people live longer "
    "and feel better.",
    "People taking part have regular visits, blood tests and questionnaires over {months} months.",
    "The team compares the new approach with the usual care that doctors give today.",
    "Findings may help doctors choose the right treatment sooner and avoid side effects.",
    "The study also follows how families and caregivers cope during treatment.",
    "Results will be shared with participants and published for other researchers.",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if Project.objects.exists():
        sys.exit("The database already has projects; generate into an empty, migrated one.")
    started = time.monotonic()
    Generator(args.projects, random.Random(args.seed)).run()
    print(f"{args.projects:,} projects in {time.monotonic() - started:.0f} s")


class Generator:
    def __init__(self, n: int, rng: random.Random):
        self.n, self.rng = n, rng
        self.titles, self.abstracts, self.terms, self.real_conditions = _real_text()

    def run(self) -> None:
        with transaction.atomic():
            self.conditions = self._conditions(max(40, self.n // 120))
            cities = self._cities()
            self.sites = self._sites(max(50, self.n // 5), cities)
            self.organizations = self._organizations(max(30, self.n // 30), cities)
            self.people = self._investigators(max(50, self.n // 2))
            self._projects()
        print("facets:", facets.rebuild(), "listed projects counted")
        print("search leaders:", leaders.rebuild(), "common terms")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM FULL")
                cursor.execute("VACUUM ANALYZE")  # FULL leaves the visibility map unset

    # Shared records ------------------------------------------------------

    def _conditions(self, count: int) -> list[Condition]:
        # Popularity follows the list order: shuffle it, so cancers (about a
        # quarter of registry studies) are spread through it, not all on top.
        base = list(BASE_CONDITIONS)
        self.rng.shuffle(base)
        names = list(dict.fromkeys(base + self.real_conditions))
        variants = [f"{m} {b[0].lower()}{b[1:]}" for m in MODIFIERS for b in BASE_CONDITIONS]
        self.rng.shuffle(variants)
        names = list(dict.fromkeys(names + variants))
        seen, rows = set(), []
        for name in names[:count]:
            if name.lower() in seen:
                continue
            seen.add(name.lower())
            rows.append(Condition(name=name, slug=_unique(slugify(name)[:70], set())))
        slugs: set[str] = set()
        for row in rows:
            row.slug = _unique(row.slug, slugs)
        created = Condition.objects.bulk_create(rows)
        # Popularity: cancers and the common chronic diseases first, a long tail after.
        self.condition_weights = _cumulative(
            [1 / (rank + 3) ** 1.1 for rank in range(len(created))]
        )
        return created

    def _cities(self) -> list[tuple]:
        """US cities from ZIP centroids, weighted by how many ZIPs they have
        (a stand-in for size) and up for the big research hubs."""
        by_city: dict[tuple, list] = {}
        for z in zipcodes.list_all():
            if z["zip_code_type"] != "STANDARD" or z["state"] not in US_STATES or not z["active"]:
                continue
            by_city.setdefault((z["city"], z["state"]), []).append(z)
        cities = []
        for (city, state), zips in by_city.items():
            weight = len(zips) ** 1.6 * HUBS.get((city, state), 1)
            first = zips[0]
            cities.append(
                (
                    city,
                    US_STATES[state],
                    "United States",
                    first["zip_code"],
                    float(first["lat"]),
                    float(first["long"]),
                    weight,
                )
            )
        cities.sort(key=lambda c: -c[-1])
        return cities[:3000]

    def _sites(self, count: int, cities: list[tuple]) -> list[Site]:
        weights = _cumulative([c[-1] for c in cities])
        abroad_weights = _cumulative([a[-1] for a in ABROAD])
        rows, keys = [], set()
        while len(rows) < count:
            if self.rng.random() < 0.18:
                city, state, country, lat, lng, _w = self.rng.choices(
                    ABROAD, cum_weights=abroad_weights
                )[0]
                zip_code = ""
            else:
                city, state, country, zip_code, lat, lng, _w = self.rng.choices(
                    cities, cum_weights=weights
                )[0]
            pattern = self.rng.choice(INSTITUTION_PATTERNS)
            institution = pattern.format(
                city=city, state=state or country, saint=self.rng.choice(SAINTS)
            )
            if self.rng.random() < 0.5:
                institution += (
                    f" {self.rng.choice(['North', 'East', 'West', 'South', 'Campus', 'Clinic'])}"
                )
            key = Site.key_for(institution, city, state, country)
            number = 2
            while key in keys:  # big cities have many clinics of one kind
                numbered = f"{institution} Clinic {number}"
                key, number = Site.key_for(numbered, city, state, country), number + 1
                if key not in keys:
                    institution = numbered
            keys.add(key)
            rows.append(
                Site(
                    institution=institution,
                    city=city,
                    state=state,
                    zip_code=zip_code,
                    country=country,
                    latitude=round(lat + self.rng.uniform(-0.05, 0.05), 5),
                    longitude=round(lng + self.rng.uniform(-0.05, 0.05), 5),
                    coordinates_source="registry",
                    match_key=key,
                )
            )
        created = Site.objects.bulk_create(rows, batch_size=5000)
        self.us_sites = [s for s in created if s.country == "United States"]
        return created

    def _organizations(self, count: int, cities: list[tuple]) -> list[Organization]:
        rows, keys, slugs = [], set(), set()
        weights = _cumulative([c[-1] for c in cities])
        while len(rows) < count:
            city, state, _country, zip_code, _lat, _lng, _w = self.rng.choices(
                cities, cum_weights=weights
            )[0]
            roll = self.rng.random()
            if roll < 0.35:
                first, second = self.rng.choice(COMPANY_PARTS), self.rng.choice(COMPANY_PARTS)
                name = f"{first} {second} {self.rng.choice(COMPANY_KINDS)}"
            elif roll < 0.6:
                name = self.rng.choice(
                    [
                        f"University of {state}",
                        f"{state} State University",
                        f"{city} University",
                        f"{city} Institute of Technology",
                    ]
                )
            else:
                name = self.rng.choice(INSTITUTION_PATTERNS).format(
                    city=city, state=state, saint=self.rng.choice(SAINTS)
                )
            key = Organization.key_for(name, city)
            if key in keys:
                continue
            keys.add(key)
            rows.append(
                Organization(
                    name=name,
                    slug=_unique(slugify(name)[:70], slugs),
                    city=city,
                    state=state,
                    zip_code=zip_code,
                    country="United States",
                    match_key=key,
                )
            )
        created = Organization.objects.bulk_create(rows, batch_size=5000)
        self.sponsor_weights = _cumulative([1 / (rank + 5) for rank in range(len(created))])
        return created

    def _investigators(self, count: int) -> list[Investigator]:
        rows, keys = [], set()
        while len(rows) < count:
            org = self.rng.choice(self.organizations)
            name = (
                f"{self.rng.choice(FIRST_NAMES)} {chr(65 + self.rng.randrange(26))}. "
                f"{self.rng.choice(LAST_NAMES)}, "
                f"{self.rng.choice(['MD', 'PhD', 'MD, PhD', 'DO', 'MPH'])}"
            )
            key = Investigator.key_for(name, org.pk)
            if key in keys:
                continue
            keys.add(key)
            rows.append(
                Investigator(
                    name=name,
                    organization=org,
                    match_key=key,
                    title=self.rng.choice(
                        [
                            "Professor of Medicine",
                            "Assistant Professor",
                            "Associate Professor",
                            "Staff Physician",
                            "",
                        ]
                    ),
                )
            )
        return Investigator.objects.bulk_create(rows, batch_size=5000)

    # Projects ------------------------------------------------------------

    def _projects(self) -> None:
        rng = self.rng
        batch = 2000
        today = datetime.date(2026, 11, 1)
        now = timezone.now()
        for start in range(0, self.n, batch):
            rows, extras = [], []
            for i in range(start, min(start + batch, self.n)):
                project, extra = self._project(i, today, now)
                rows.append(project)
                extras.append(extra)
            created = Project.objects.bulk_create(rows)
            links, roles, contacts, conditions = [], [], [], []
            through = Project.conditions.through
            for project, (sites, people, chosen) in zip(created, extras):
                for order, site in enumerate(sites):
                    links.append(
                        ProjectSite(
                            project=project,
                            site=site,
                            order=order,
                            recruitment_status=project.research_status
                            if project.study_type != StudyType.NIH_RESEARCH
                            else "",
                        )
                    )
                for order, person in enumerate(people):
                    role = (
                        InvestigatorRole.CONTACT_PI
                        if order == 0
                        else rng.choice(
                            [
                                InvestigatorRole.CO_INVESTIGATOR,
                                InvestigatorRole.SUB_INVESTIGATOR,
                                InvestigatorRole.PRINCIPAL_INVESTIGATOR,
                            ]
                        )
                    )
                    roles.append(
                        ProjectInvestigator(
                            project=project, investigator=person, role=role, order=order
                        )
                    )
                for condition in chosen:
                    conditions.append(through(project_id=project.pk, condition_id=condition.pk))
                if project.study_type != StudyType.NIH_RESEARCH:
                    contacts.append(
                        Contact(
                            project=project,
                            name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                            role=ContactRole.CENTRAL,
                            phone=f"617-555-{rng.randrange(10000):04d}",
                            email=f"study{project.pk}@example.org",
                        )
                    )
                    for site in sites[:3]:
                        contacts.append(
                            Contact(
                                project=project,
                                site=site,
                                role=ContactRole.SITE,
                                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                                phone=f"212-555-{rng.randrange(10000):04d}",
                            )
                        )
            ProjectSite.objects.bulk_create(links, batch_size=10000)
            ProjectInvestigator.objects.bulk_create(roles, batch_size=10000)
            Contact.objects.bulk_create(contacts, batch_size=10000)
            through.objects.bulk_create(conditions, batch_size=10000)
            print(f"  {start + len(rows):,} projects", flush=True)

    def _project(self, i: int, today: datetime.date, now) -> tuple[Project, tuple]:
        rng = self.rng
        chosen = _distinct(
            rng.choices(
                self.conditions,
                cum_weights=self.condition_weights,
                k=rng.choice([1, 1, 1, 2, 2, 3, 5]),
            )
        )
        condition = chosen[0].name
        lab = rng.random() < 0.5
        sponsor = rng.choices(self.organizations, cum_weights=self.sponsor_weights)[0]
        published = rng.random() < 0.8
        reviewed = today - datetime.timedelta(days=rng.randrange(1, 700))
        first_published = reviewed - datetime.timedelta(days=rng.randrange(0, 400))
        plain_title = f"{rng.choice(PLAIN_VERBS)} {rng.choice(PLAIN_TOPICS)} {condition.lower()}"
        summary = (
            " ".join(
                s.format(
                    kind="project" if lab else "study",
                    topic=rng.choice(PLAIN_TOPICS),
                    condition=condition.lower(),
                    months=rng.choice([6, 12, 18, 24, 36]),
                )
                for s in rng.sample(SUMMARY_SENTENCES, 4)
            )
            + " "
            + " ".join(rng.sample(self.terms, 6))
        )
        official = rng.choice(self.titles)
        if rng.random() < 0.5:
            official = f"{official} in {condition}"
        fields = dict(
            lay_title=plain_title[:200],
            lay_summary=summary,
            official_title=official[:1000],
            research_focus="What the research studies, in plain words. " + summary[:300],
            good_fit=f"People with {condition.lower()} may one day benefit.",
            source_summary=rng.choice(self.abstracts),
            sponsor=sponsor,
            search_conditions=" ".join(sorted(c.name for c in chosen)),
            start_date=today - datetime.timedelta(days=rng.randrange(100, 2500)),
        )
        fields["end_date"] = fields["start_date"] + datetime.timedelta(
            days=rng.randrange(365, 2500)
        )
        if published:
            fields.update(
                status=Status.PUBLISHED,
                is_live=True,
                last_reviewed=reviewed,
                first_published_at=datetime.datetime.combine(
                    first_published, datetime.time(12), tzinfo=datetime.UTC
                ),
                last_published_at=now,
            )
            if rng.random() < 0.02:
                fields["archived_at"] = now
        else:
            fields["status"] = rng.choice(
                [Status.DRAFT, Status.IN_REVIEW, Status.CHANGES_REQUESTED]
            )
        if lab:
            mechanism = rng.choice(NIH_MECHANISMS)
            fields.update(
                study_type=StudyType.NIH_RESEARCH,
                nih_application_id=10_000_000 + i,
                nih_project_number=f"5R01CA{100000 + i}-0{rng.randrange(1, 6)}",
                funding_mechanism=mechanism,
                activity_code="R01",
                research_status=rng.choices(
                    [ResearchStatus.ACTIVE, ResearchStatus.COMPLETED], [7, 3]
                )[0],
                fiscal_year=rng.choice([2023, 2024, 2025, 2026]),
                funding_institute="National Cancer Institute",
            )
            sites = [self._home_site(sponsor)]
            people = _distinct(rng.sample(self.people, rng.choice([1, 1, 2, 3])))
        else:
            study_type = rng.choices(
                [StudyType.CLINICAL_TRIAL, StudyType.OBSERVATIONAL, StudyType.EXPANDED_ACCESS],
                [70, 27, 3],
            )[0]
            if study_type == StudyType.EXPANDED_ACCESS:
                status = rng.choice([ResearchStatus.AVAILABLE, ResearchStatus.NO_LONGER_AVAILABLE])
            else:
                status = rng.choices(
                    [
                        ResearchStatus.RECRUITING,
                        ResearchStatus.NOT_YET_RECRUITING,
                        ResearchStatus.ENROLLING_BY_INVITATION,
                        ResearchStatus.ACTIVE_NOT_RECRUITING,
                        ResearchStatus.COMPLETED,
                        ResearchStatus.TERMINATED,
                        ResearchStatus.WITHDRAWN,
                        ResearchStatus.UNKNOWN,
                        ResearchStatus.SUSPENDED,
                    ],
                    [25, 5, 2, 15, 38, 5, 2, 7, 1],
                )[0]
            minimum = rng.choices(
                [None, 0, 6, 12 * 12, 18 * 12, 18 * 12, 40 * 12, 65 * 12],
                [5, 3, 2, 6, 40, 20, 5, 4],
            )[0]
            maximum = rng.choices([None, 17 * 12, 65 * 12, 75 * 12, 80 * 12], [50, 10, 20, 12, 8])[
                0
            ]
            if minimum is not None and maximum is not None and maximum < minimum:
                maximum = None
            fields.update(
                study_type=study_type,
                nct_id=f"NCT{10_000_000 + i:08d}",
                funding_mechanism=rng.choice(
                    [
                        "phase_1",
                        "phase_2",
                        "phase_2",
                        "phase_3",
                        "phase_na",
                        "early_phase_1",
                        "phase_1_2",
                        "phase_4",
                    ]
                ),
                research_status=status,
                sex_eligibility=rng.choices(["all", "female", "male"], [85, 10, 5])[0],
                minimum_age_months=minimum,
                maximum_age_months=maximum,
                healthy_volunteers=rng.random() < 0.2,
                enrollment=rng.randrange(10, 3000),
                enrollment_type="estimated",
                brief_title=plain_title[:500],
                eligibility_criteria="Inclusion Criteria:\n\n* "
                + "\n* ".join(rng.sample(self.terms, 12)) * 3,
            )
            count = (
                1
                if rng.random() < 0.25
                else min(400, max(2, int(rng.lognormvariate(math.log(10), 1.1))))
            )
            sites = _distinct(
                rng.sample(self.sites, count) if count > 1 else [rng.choice(self.us_sites)]
            )
            people = _distinct(rng.sample(self.people, rng.choice([1, 2, 3, 4])))
        identifier = fields.get("nct_id") or f"nih-{fields['nih_application_id']}"
        project = Project(
            slug=f"{slugify(plain_title)[:90]}-{identifier.lower()}", version=1, **fields
        )
        return project, (sites, people, chosen)

    def _home_site(self, sponsor: Organization) -> Site:
        """The grantee institution's own site (NIH projects have one)."""
        candidates = [s for s in self._sites_by_city().get(sponsor.city, [])]
        return self.rng.choice(candidates) if candidates else self.rng.choice(self.us_sites)

    def _sites_by_city(self) -> dict[str, list[Site]]:
        if not hasattr(self, "_by_city"):
            self._by_city: dict[str, list[Site]] = {}
            for site in self.us_sites:
                self._by_city.setdefault(site.city, []).append(site)
        return self._by_city


def _real_text() -> tuple[list[str], list[str], list[str], list[str]]:
    """Official titles, abstracts, keywords and condition names from the real records."""
    titles, abstracts, terms, conditions = [], [], set(), []
    for path in glob.glob(str(SHARED / "reporter" / "*.json")):
        data = json.load(open(path))
        for record in data if isinstance(data, list) else data.get("results", []):
            if record.get("project_title"):
                titles.append(record["project_title"])
            if record.get("abstract_text"):
                abstracts.append(record["abstract_text"][:3000])
            for term in re.findall(r"<([^<>]{3,40})>", record.get("terms") or ""):
                if term.isascii():
                    terms.add(term)
    for path in glob.glob(str(SHARED / "ctgov" / "*.json")):
        data = json.load(open(path))
        for study in data.get("studies") or ([data] if "protocolSection" in data else []):
            section = study["protocolSection"]
            ident = section["identificationModule"]
            titles.append(ident.get("officialTitle") or ident.get("briefTitle", ""))
            summary = section.get("descriptionModule", {}).get("briefSummary")
            if summary:
                abstracts.append(summary[:3000])
            conditions += section.get("conditionsModule", {}).get("conditions", [])
    titles = [t for t in titles if t] or ["A Study of Something Important"]
    abstracts = abstracts or ["An abstract."]
    conditions = [c[0].upper() + c[1:] for c in dict.fromkeys(conditions) if len(c) < 80]
    return titles, abstracts, sorted(terms) or ["health"], conditions


def _cumulative(weights: list[float]) -> list[float]:
    """Cumulative weights, so each weighted pick is a bisection, not a sum."""
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _distinct(items: list) -> list:
    return list({id(item): item for item in items}.values())


def _unique(slug: str, taken: set[str]) -> str:
    base, n = slug or "item", 2
    while slug in taken or not slug:
        slug = f"{base}-{n}"
        n += 1
    taken.add(slug)
    return slug


if __name__ == "__main__":
    main()

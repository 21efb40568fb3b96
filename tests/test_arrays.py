"""Array literals read back as the values they were written from."""

import datetime
import json

import pytest
from django.db import connection

from projects.models.arrays import array_literal

TEXTS = ['plain', 'with "quotes"', "back\\slash", "{braces}, commas", "", "NULL", "café ✓", None]


def test_an_array_literal_quotes_every_value_and_writes_null():
    assert array_literal(["a", None, 3, True, datetime.date(2024, 9, 30)]) == (
        '{"a",NULL,"3",t,"2024-09-30"}'
    )
    assert array_literal([]) == "{}"


def test_numbers_alone_are_written_as_they_print():
    assert array_literal([1, 2**40, 2.5, 0.1]) == "{1,1099511627776,2.5,0.1}"
    assert array_literal([1, None]) == '{"1",NULL}'


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL arrays")
def test_postgresql_reads_numbers_back_exactly():
    miles = [0.1, 24.999999999999996, 1e-7, 3.0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::float8[], %s::bigint[]", [array_literal(miles),
                                                           array_literal([7, 2**40])])
        assert cursor.fetchone() == (miles, [7, 2**40])


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL arrays")
def test_postgresql_reads_an_array_literal_back_as_the_values():
    moment = datetime.datetime(2026, 5, 15, 9, 30, 1, 250, tzinfo=datetime.UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT %s::text[], %s::bigint[], %s::date[], %s::timestamptz[], %s::boolean[], "
            "%s::text[]::jsonb[]",
            [
                array_literal(TEXTS),
                array_literal([1, 2**40, None]),
                array_literal([datetime.date(2024, 9, 30)]),
                array_literal([moment]),
                array_literal([True, False]),
                array_literal(['["a", "b\\\\c"]', "{}"]),
            ],
        )
        texts, numbers, dates, moments, flags, documents = cursor.fetchone()
    assert texts == TEXTS
    assert numbers == [1, 2**40, None]
    assert dates == [datetime.date(2024, 9, 30)] and moments == [moment]
    assert flags == [True, False]
    # Django reads JSON columns as text and decodes them in the field.
    assert [json.loads(d) for d in documents] == [["a", "b\\c"], {}]

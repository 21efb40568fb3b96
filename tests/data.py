"""Constants the tests share (STYLE.md 17: never imported from conftest)."""

#: Issue 6's budget for any listing (filters, search, place): queries.
LISTING_BUDGET = 8
#: A project page (issue 6: at most 5): the row (with its sponsor, its conditions and the
#: live pages of the NIH grants it names), its sites (or, past SITES_ON_PAGE, their
#: counts by place), its people and a study's contacts.
DETAIL_BUDGET = 4
#: Lab research lists no contacts: one query fewer.
LAB_PAGE_BUDGET = 3

#: PostgreSQL 15's English stop words, as its ``tsearch_data/english.stop``
#: lists them (the Snowball project's list): its search drops every one.
POSTGRESQL_ENGLISH_STOP_WORDS = """
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
she her hers herself it its itself they them their theirs themselves what which who whom
this that these those am is are was were be been being have has had having do does did
doing a an the and but if or because as until while of at by for with about against between
into through during before after above below to from up down in out on off over under again
further then once here there when where why how all any both each few more most other some
such no nor not only own same so than too very s t can will just don should now
""".split()

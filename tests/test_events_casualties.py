"""Casualties belong to the clause that states them (issue 13, class 4, and the elliptical clauses
of class 7): the statement grammar on its own, then sentences through the per-article stage."""

from __future__ import annotations

import pytest

from geomap.events.casualties import count_casualties, statements
from tests.test_events_helpers import extract, find, places

#: (text, killed, injured) over the whole text
COUNTS: list[tuple[str, int | None, int | None]] = [
    ("The drone attack killed a man and a woman, and injured one more 50-year-old woman.", 2, 1),
    ("Two men, aged 46 and 69, also suffered injuries in a drone strike.", None, 2),
    ("Drone attacks injured two women born in 1956 and 1967.", None, 2),
    ("A 37-year-old man and two women aged 37 and 59 were injured, he added.", None, 3),
    ("The strike injured a 1-year-old boy and a 59-year-old man in the village.", None, 2),
    ("Seven people suffered injuries in the attacks.", None, 7),
    ("Two people were killed, and nine others were injured, the governor reported.", 2, 9),
    ("Attacks against the oblast killed one person and injured three, the governor said.", 1, 3),
    ("Drones damaged port infrastructure and cars but inflicted no casualties.", 0, 0),
    ("No casualties were reported.", 0, 0),
    ("Nobody in the region was killed or hurt, the governor said.", 0, 0),
    ("No one was injured.", None, 0),
    ("No casualties have been confirmed so far.", None, None),
    ("Drones and artillery fire were directed at villages, without causing casualties.", 0, 0),
    ("The plant reduced its power and put out a fire, with no injuries.", 0, 0),
    ("Eight people were reportedly injured, including a child and a pregnant woman.", None, 8),
    ("Three people sought assistance due to acute stress reaction.", None, None),
    ("Ten others, including a pregnant woman, were rescued from a high-rise.", None, None),
    ("Three children were among the wounded.", None, None),
    ("Four people were found dead after the strike.", 4, None),
    ("The death toll rose to 25 on Tuesday, officials said.", 25, None),
    ("The strike killed 20 people. The death toll rose to 25 on Tuesday.", 25, None),
    ("The strike resulted in at least four fatalities.", 4, None),
    ("The number of injured has risen to 12, the governor said.", None, 12),
    ("The death toll rose to five and the number of wounded to 20.", 5, None),
    ("Russian shelling killed a van driver.", 1, None),
    ("A 15-year-old boy was killed.", 1, None),
    ("Two were killed and 13 were wounded.", 2, 13),
    ("One person was killed and 10 injured in an airstrike.", 1, 10),
    ("Another person was killed and eight wounded overnight.", 1, 8),
    ("A missile hit a warehouse, killing three employees and wounding seven, he said.", 3, 7),
    ("The shelling had left six people dead a day earlier.", 6, None),
    ("Drone attacks caused explosions at two airfields, leaving three dead.", 3, None),
    ("Three people, including an elderly woman, were also wounded during the shelling.", None, 3),
    ("A 47-year-old worker in the village of Pervomaiske, Kherson region, was killed late on Friday.", 1, None),
    ("A resident of the city was slightly injured after an attack.", None, 1),
    ("At least 13 people were confirmed dead and 20 injured after the building collapsed.", 13, 20),
    ("At least five people have died and 39 were injured - including seven children - after a missile hit.", 5, 39),
    ("The Reuters agency said its safety adviser Ryan Evans was killed and two Reuters journalists injured.", 1, 2),
    ("One man was killed and more than a dozen people were wounded in that attack.", 1, None),
    ("A drone attack killed at least six people and injured others.", 6, None),
    ("Strikes on a farm killed 11 cows.", None, None),
    ("A strike killed ² people and injured 999999999999.", None, None),  # not counts
    ("Reporters found the remains of a Russian rocket launcher and a dead soldier.", None, None),
    ("1 killed, 5 injured in Russian attacks", 1, 5),
    ("Russian attacks kill 5, injure 26 in Ukraine over past day", 5, 26),
    ("One injured person was rushed to hospital. Another 57-year-old man sustained fragmentation wounds.", None, 2),
    ("The warehouse strike wounded seven. Six other people were wounded at a business centre.", None, 13),
    ("Two others have been injured. Two other men had been injured by an FPV drone.", None, 2),
]


@pytest.mark.parametrize(("text", "killed", "injured"), COUNTS, ids=[c[0][:50] for c in COUNTS])
def test_count_casualties(text: str, killed: int | None, injured: int | None) -> None:
    got = (count_casualties(text, "killed"), count_casualties(text, "injured"))
    assert got == (killed, injured), [(s.kind, s.count, text[s.start : s.end]) for s in statements(text)]


def test_statement_anchors_are_their_conjuncts() -> None:
    text = "Russian strikes killed two people in Druzhkivka and another in Kostiantynivka."
    got = [(s.kind, s.count, text[s.anchor : s.anchor + 7]) for s in statements(text)]
    assert got == [("killed", 2, "killed "), ("killed", 1, "another")]


#: (text, {place: (killed, injured)}) through the per-article stage
ASSIGNED: list[tuple[str, dict[str, tuple[int | None, int | None]]]] = [
    # a total over a list of places is not copied to the places
    (
        "Russian attacks killed three people in the Kherson, Kharkiv and Sumy regions.",
        {"Kherson Oblast": (None, None), "Kharkiv Oblast": (None, None), "Sumy Oblast": (None, None)},
    ),
    (
        "Seven people suffered injuries in Kostiantynivka, Sloviansk, and Pokrovsk in Donetsk Oblast.",
        {"Kostiantynivka": (None, None), "Sloviansk": (None, None), "Pokrovsk": (None, None)},
    ),
    (
        "In the eastern cities of Kramatorsk and Kostiantynivka, missile strikes killed three people.",
        {"Kramatorsk": (None, None), "Kostiantynivka": (None, None)},
    ),
    # ... but "no casualties" holds for each of them
    (
        "Sumy, Kharkiv, and Chernihiv oblasts also came under attack, but no casualties were reported.",
        {"Sumy Oblast": (0, 0), "Kharkiv Oblast": (0, 0), "Chernihiv Oblast": (0, 0)},
    ),
    ("Drones hit Odesa overnight. No casualties were reported.", {"Odesa": (0, 0)}),
    ("Four people were found dead after a strike on Kharkiv.", {"Kharkiv": (4, None)}),
    (
        "A missile strike on Dnipro killed 20 people. The death toll rose to 25 on Tuesday, officials said.",
        {"Dnipro": (25, None)},
    ),
    ("A drone strike on Kherson resulted in at least four fatalities.", {"Kherson": (4, None)}),
    ("Russian shelling of Nikopol killed a van driver.", {"Nikopol": (1, None)}),
    ("A 15-year-old boy was killed in a drone attack on Sumy.", {"Sumy": (1, None)}),
    ("Two were killed and 13 were wounded when a missile hit Odesa.", {"Odesa": (2, 13)}),
    # each conjunct its own figure; 7. elliptical clauses
    ("One person was wounded in Toretsk and another in Hirnyk.", {"Toretsk": (None, 1), "Hirnyk": (None, 1)}),
    (
        "In Donetsk Oblast, Russian strikes killed two people in Druzhkivka and another in Kostiantynivka, "
        "while separate attacks across the region injured five more.",
        {"Druzhkivka": (2, None), "Kostiantynivka": (1, None)},
    ),
    (
        "Russian strikes also injured a woman in the Nikopol district and a man in the Novooleksandrivka community.",
        {"Nikopol": (None, 1), "Novooleksandrivka": (None, 1)},
    ),
    (
        "Russian attacks killed five people in Zaporizhzhia and injured 12 in Kherson.",
        {"Zaporizhzhia": (5, None), "Kherson": (None, 12)},
    ),
    (
        "Three civilians were killed in Russian shelling of Kherson on Saturday, and one more died in Sloviansk.",
        {"Kherson": (3, None), "Sloviansk": (1, None)},
    ),
    # the sentences after a report give its details until another place or a new report
    (
        "A Russian attack on Kupiansk killed a man. A woman and two men were injured, the governor added.",
        {"Kupiansk": (1, 3)},
    ),
    (
        "Drones hit Kupiansk, killing a man.\n\nMeanwhile, two people were injured by shelling, officials said.",
        {"Kupiansk": (1, None)},
    ),
    (
        "Drones hit Kupiansk, killing a man. Russian attacks across Ukraine injured 30 people over the past day.",
        {"Kupiansk": (1, None)},
    ),
    # a placeless sentence's figures, taken up by the next sentence's place ("a van" ... "the van")
    (
        "Russian shelling of a van near the border had left six people dead.\n\n"
        "Prosecutors said the van was hit near the village of Seredyna-Buda.",
        {"Seredyna-Buda": (6, None)},
    ),
    (
        "Russian attacks across Ukraine killed six people overnight. A drone hit a school in Sumy, officials said.",
        {"Sumy": (None, None)},
    ),
    # a live-blog headline is the post below it, not another event
    (
        "09:15 GMT\nTwo killed in Zaporizhzhia\n"
        "Russian shelling killed two people in the town of Orikhiv in Zaporizhzhia region on Tuesday morning.",
        {"Orikhiv": (2, None)},
    ),
    # the figures of the attribution tail belong to the one place of the sentence
    ("A missile struck Odesa overnight, the governor said, adding that two people were injured.", {"Odesa": (None, 2)}),
    # a city total and its district's figures are not both counted
    (
        "Russian missiles hit Kyiv, killing 10 people. "
        "Six died in the Shevchenkivskyi district and four in the Solomianskyi district.",
        {"Shevchenkivskyi": (6, None), "Solomianskyi": (4, None)},
    ),
    (
        "Russian missiles hit Kyiv overnight, killing 10 people. "
        "Debris of a downed drone fell in the Darnytskyi district.",
        {"Kyiv": (10, None), "Darnytskyi": (None, None)},
    ),
    # the latest figure of the article wins
    (
        "Russian drones attacked Odesa overnight. Three people were killed, officials said. "
        "Later, the number of dead rose to five.",
        {"Odesa": (5, None)},
    ),
    (
        "Russian missiles hit Kyiv, killing six people. "
        "Six people were confirmed dead in the Shevchenkivskyi district.",
        {"Shevchenkivskyi": (6, None)},
    ),
]


@pytest.mark.parametrize(("text", "want"), ASSIGNED, ids=[c[0][:50] for c in ASSIGNED])
def test_casualties_by_place(text: str, want: dict[str, tuple[int | None, int | None]]) -> None:
    events = extract(text)
    for place, figures in want.items():
        ev = find(events, place)
        assert ev is not None, f"{place} missing: {places(events)}"
        assert (ev.killed, ev.injured) == figures, places(events)
    total = sum((e.killed or 0) + (e.injured or 0) for e in events)
    assert total == sum((k or 0) + (i or 0) for k, i in want.values()), places(events)

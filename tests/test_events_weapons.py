"""Attack words and weapons (issue 13, class 6): what makes a sentence a strike report, which weapon
class and model it names, and interceptions (an intercepted missile stays a missile)."""

from __future__ import annotations

import pytest

from geomap.events.weapons import detect_weapon, event_type, has_attack_word, is_intercepted
from tests.test_events_helpers import extract, find, places

WEAPONS = [
    ("An airstrike hit the town.", "aerial bomb", None),
    ("Russian airstrikes hit the town.", "aerial bomb", None),
    ("A Russian air strike hit the town.", "aerial bomb", None),
    ("Guided aerial bombs hit the town.", "aerial bomb", None),
    ("A glide bomb hit the town.", "aerial bomb", None),
    ("Russia dropped KABs on the town.", "aerial bomb", None),
    ("Russian forces dropped bombs on the villages.", "aerial bomb", None),
    ("A KAB-500 hit the town.", "aerial bomb", "KAB-500"),
    ("An FPV drone hit a car.", "drone", None),
    ("A Lancet struck a howitzer.", "drone", "Lancet"),
    ("Shahed-type drones attacked the city.", "drone", "Shahed"),
    ("Geran-2 drones attacked the city.", "drone", "Geran-2"),
    ("Two Iskander missiles hit the city.", "missile", "Iskander"),
    ("An S-300 missile hit the city.", "missile", "S-300"),
    ("Kinzhal hypersonic missiles were fired.", "missile", "Kinzhal"),
    ("Seven Kalibr cruise missiles were fired.", "missile", "Kalibr"),
    ("Kh-101 cruise missiles hit the city.", "missile", "Kh-101"),
    ("An X-59 missile was downed.", "missile", "X-59"),
    ("It was probably a rocket.", "missile", None),
    ("Grad rockets hit the town.", "mlrs", None),
    ("Multiple rocket launchers fired at the town.", "mlrs", None),
    ("Artillery shelling hit the town.", "artillery", None),
    ("Mortar attacks hit the village.", "artillery", None),
    ("Russian missile and drone attacks hit the city.", "missile", None),  # the first named
    ("A Russian attack hit the town.", "unknown", None),
]


@pytest.mark.parametrize(("text", "weapon", "model"), WEAPONS)
def test_detect_weapon(text: str, weapon: str, model: str | None) -> None:
    assert detect_weapon(text) == (weapon, model)


ATTACK = [
    ("Russian forces shelled the town.", True),
    ("A drone struck a house.", True),
    ("Two people were wounded.", True),
    ("Seven people suffered injuries.", True),
    ("The village was bombarded.", True),
    ("Six people were confirmed dead.", True),
    ("A refinery was on fire.", True),
    ("Missiles pounded the city.", True),
    ("Air raid alerts were heard in many regions.", False),
    ("Air raid sirens sounded across the country.", False),
    ("People sheltered in a bomb shelter.", False),
    ("Reporters found a dead soldier.", False),
    ("They found a rocket launcher.", False),
    ("Officials met to discuss grain exports.", False),
]


@pytest.mark.parametrize(("text", "attack"), ATTACK)
def test_has_attack_word(text: str, attack: bool) -> None:
    assert has_attack_word(text) is attack


INTERCEPTED = [
    ("Air defences shot down 40 drones.", True),
    ("Seven drones were downed over the region.", True),
    ("Air defenses intercepted two missiles.", True),
    ("A missile that was shot down fell on a building.", True),
    ("Debris of a downed drone damaged a house.", True),
    ("Drone debris caused a fire at a warehouse.", True),
    ("Another drone was taken down over the region.", True),
    ("He said all of them were destroyed.", True),
    ("Air defences shot down three of them; one hit a warehouse.", False),  # partial: a hit
    ("A missile hit a warehouse.", False),
]


@pytest.mark.parametrize(("text", "intercepted"), INTERCEPTED)
def test_is_intercepted(text: str, intercepted: bool) -> None:
    assert is_intercepted(text) is intercepted


def test_event_type() -> None:
    assert event_type("missile", True) == "Disrupted weapons use"
    assert event_type("drone", False) == "Air/drone strike"
    assert event_type("aerial bomb", False) == "Air/drone strike"
    assert event_type("artillery", False) == "Shelling/artillery/missile attack"


#: (text, place, weapon, model, intercepted) through the per-article stage
EVENTS = [
    ("An airstrike hit Kupiansk on Monday.", "Kupiansk", "aerial bomb", None, False),
    ("A guided aerial bomb hit Kostiantynivka on Monday.", "Kostiantynivka", "aerial bomb", None, False),
    ("An FPV drone attack injured two men in Nikopol.", "Nikopol", "drone", None, False),
    ("An intercepted Iskander missile fell on Kharkiv on Monday.", "Kharkiv", "missile", "Iskander", True),
    ("Air defenses intercepted two missiles near Mukachevo.", "Mukachevo", "missile", None, True),
    (
        "Air defenses intercepted two missiles - one near Mukachevo and another near the village of Kliucharky.",
        "Kliucharky",
        "missile",
        None,
        True,
    ),
    (
        "Shahed drones were downed over the central Poltava region, southeastern Zaporizhzhia and Dnipropetrovsk "
        "regions, and the Kharkiv region.",
        "Kharkiv Oblast",
        "drone",
        "Shahed",
        True,
    ),
    ("Forty drones headed for Kyiv overnight. He said all of them were destroyed.", "Kyiv", "drone", None, True),
    (
        "Russia fired four Kalibr missiles at Odesa, with air defences shooting down three of them.",
        "Odesa",
        "missile",
        "Kalibr",
        False,
    ),
    (
        "A building collapsed in Belgorod, killing 13 people. "
        "Russia said fragments of a missile that was shot down hit it.",
        "Belgorod",
        "missile",
        None,
        True,
    ),
]


@pytest.mark.parametrize(("text", "place", "weapon", "model", "intercepted"), EVENTS, ids=[e[0][:40] for e in EVENTS])
def test_event_weapons(text: str, place: str, weapon: str, model: str | None, intercepted: bool) -> None:
    events = extract(text)
    ev = find(events, place)
    assert ev is not None, places(events)
    assert (ev.weapon, ev.weapon_model, ev.intercepted) == (weapon, model, intercepted)


def test_air_raid_alert_is_no_strike() -> None:
    assert extract("Air raid sirens sounded in Kyiv and Lviv on Monday.") == []
    events = extract("Air raid alerts were heard in many regions, including the regions of Sumy and Odesa.")
    assert events == [], places(events)


def test_caseless_patterns_keep_escapes_group_names_and_offsets() -> None:
    from geomap.events._caseless import Caseless

    rx = Caseless(r"(?P<Kind>Kh-\d+)\S*|\bMLRS\b")
    m = rx.search("A KH-101 hit; then mlrs fire.")
    assert m is not None and m.lastgroup == "Kind" and m.span() == (2, 8)
    assert [x.group(0) for x in rx.finditer("MLRS, Mlrs and mlrs")] == ["mlrs", "mlrs", "mlrs"]
    text = "İ Kh-22 hit"  # lower-casing "İ" changes the length: the re.I pattern runs on the text
    m = rx.search(text)
    assert m is not None and text[m.start() : m.end()] == "Kh-22"

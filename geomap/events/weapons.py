"""What a clause says happened: attack words, weapon class and model, target, interception, actor.

Pure functions over text; every pattern is matched case-insensitively unless noted.
"""

from __future__ import annotations

import re

from geomap.events._caseless import Caseless

__all__ = [
    "actor",
    "detect_target",
    "detect_weapon",
    "event_type",
    "has_attack_word",
    "intercept_at",
    "is_intercepted",
]

#: Weapon classes, most specific first: the first class named in a clause wins, so
#: "an airstrike ... a rocket" is an aerial bomb and "rocket artillery" is MLRS.
_WEAPON_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "aerial bomb",
        r"glide bombs?|guided (?:aerial )?bombs?|aerial bombs?|\bKABs?\b|air(?:-dropped)? bombs?|"
        r"\bair ?strikes?\b|\bairstrikes?\b|\bbomb(?:s|ed|ing)?\b(?! shelters?)|\bFABs?\b|\bUMPKs?\b|"
        r"bombers? dropped|dropped (?:\w+ )?bombs?",
    ),
    (
        "mlrs",
        r"\bMLRS\b|multiple(?:-| )(?:launch )?rocket|rocket artillery|rocket launchers?|\bGrads?\b|"
        r"\bUragan\b|\bSmerch\b|\bHIMARS\b|\bTornado-S\b",
    ),
    (
        "drone",
        r"\bdrones?\b|\bUAVs?\b|\bShahed|\bGeran|loitering munitions?|kamikaze|unmanned aerial|"
        r"\bFPV\b|\bLancets?\b|unmanned aircraft",
    ),
    (
        "missile",
        r"missiles?|\bKh-\d+\w*|\bX-\d{2,3}\b|Kinzhals?|Iskanders?|Kalibrs?|\bS-[34]00s?\b|Tochka|"
        r"ballistic|cruise|\brockets?\b|\bOniks\b|\bZircon|\bTsirkon|\bATACMS\b|Storm Shadow|\bNeptune\b",
    ),
    ("artillery", r"artillery|\bshell(?:s|ing|ed)?\b|howitzers?|mortars?|\bcannon|\bgun ?fire\b|\btanks? fire"),
)
#: All classes in one pattern: the leftmost match wins, and at one position the class listed first.
_WEAPON_RE = Caseless("|".join(f"(?P<w{i}>{p})" for i, (_, p) in enumerate(_WEAPON_PATTERNS)))
_MODEL_RE = re.compile(
    r"\b(Kh-\d+\w*|X-\d{2,3}|Kinzhal|Iskander(?:-[MK])?|Kalibr|Shahed(?:-\d+(?:/\d+)?)?|Geran-\d|"
    r"S-300|S-400|Tochka-U|Lancet|KAB-\d+|FAB-\d+|Oniks|Zircon|Tsirkon|ATACMS|Storm Shadow)s?\b"
)

#: Words that make a clause report an attack (all inflections listed: no stemming).
_ATTACK_RE = re.compile(
    r"\b(?:strik(?:e|es|ing)|struck|attack(?:s|ed|ing)?|hit(?:s|ting)?|shell(?:s|ed|ing)?|"
    r"bomb(?:s|ed|ing)?|bombard(?:s|ed|ing|ment|ments)?|pound(?:s|ed|ing)?|target(?:s|ed|ing)?|"
    r"launch(?:es|ed|ing)?|raid(?:s|ed)?|explo(?:de|des|ded|ding|sion|sions)|blasts?|blew up|"
    r"fir(?:e|ed|ing) (?:at|on|upon)|barrages?|damag(?:e|es|ed|ing)|destroy(?:s|ed|ing)?|"
    r"kill(?:s|ed|ing)?|injur(?:e|es|ed|ing|y|ies)|wound(?:s|ed|ing)?|hurt|dead|died|deaths?|"
    r"casualt(?:y|ies)|fatalit(?:y|ies)|debris|wreckage|fragments|crash(?:es|ed|ing)?|impacts?|"
    r"shot down|shoot(?:s|ing)? down|downed|intercept(?:s|ed|ing|ion|ions)?|repel(?:s|led|ling)?|"
    r"caught fire|fires? broke out|on fire|fires?|blazes?|ablaze|airstrikes?|air strikes?|drones?|missiles?|"
    r"UAVs?|rockets?|"
    r"Shaheds?)\b",
    re.I,
)
#: Alerts and sirens are warnings, not attacks; nor are bomb shelters.
_NOT_ATTACK_RE = re.compile(
    r"\bair[- ]raid (?:alerts?|alarms?|sirens?|warnings?)\b|\b(?:alerts?|sirens?|alarms?) (?:sounded|went off|"
    r"were heard|was heard|rang)\b|\bbomb shelters?\b|\b(?:a|an|the) dead\b|\brocket launchers?\b",
    re.I,
)
_INTERCEPT_RE = Caseless(
    r"\b(shot down|shoot(?:s|ing)? down|downed|intercept(?:ed|ion|s)?|brought down|taken down|"
    r"destroyed (?:\w+ ){0,3}(?:drones?|missiles?|UAVs?)|(?:drones?|missiles?|UAVs?) "
    r"(?:were|was) (?:destroyed|neutrali[sz]ed)|air defen[cs]es? (?:destroyed|downed|repelled|shot)|"
    r"(?:all|most|both|each) of them (?:were|was) (?:destroyed|neutrali[sz]ed)|"
    r"debris|wreckage|repelled)",
)
#: "shooting down three of them": some got through, so the place was hit.
_PARTIAL_RE = Caseless(
    r"\b(?:shot|shoot(?:s|ing)?|brought|bringing|taken|taking) down (?:\w+ )?(?:of them|of the \w+)\b|"
    r"\b(?:intercepted|downed|destroyed) (?:\w+ )?of (?:them|the \w+)\b",
)
_TARGETS: tuple[tuple[str, str], ...] = (
    ("fire station", r"fire station|firefighters?"),
    ("nuclear plant", r"nuclear"),
    ("oil refinery", r"refiner(?:y|ies)|petrochemical|oil processing"),
    ("oil depot", r"oil depot|fuel depot|oil storage|fuel storage|tank farm"),
    ("port", r"\bport\b|harbou?r|\bdocks?\b"),
    (
        "energy",
        r"power (?:plant|station|grid|line)|energy|electricity|substation|heating|utilit(?:y|ies)|thermal",
    ),
    (
        "government",
        r"administration (?:building|headquarters)|government (?:building|headquarters)|"
        r"regional government|city hall|council building",
    ),
    (
        "military",
        r"military (?:base|unit|camp|airfield|facility|target|installation|site)|"
        r"\bbase\b|airfield|air base|barracks|\bcamp\b|arsenal|ammunition",
    ),
    ("residential", r"residential|apartment|homes?\b|houses?\b|high-rise|dwelling"),
    ("industrial", r"industrial|factory|plant\b|enterprise"),
    ("infrastructure", r"infrastructure|railway|bridge"),
)
_TARGET_RES = tuple((t, Caseless(p)) for t, p in _TARGETS)
_ANY_TARGET_RE = Caseless("|".join(f"(?:{p})" for _, p in _TARGETS))
_RUSSIAN_RE = Caseless(
    r"\brussian (?:forces|troops|army|military|missiles?|drones?|strikes?|attacks?|artillery|shells?|"
    r"bombs?|aircraft|kamikaze|air|shelling|airstrikes?|shahed)",
)
_UKRAINIAN_RE = Caseless(
    r"\bukrainian (?:forces|troops|army|military|missiles?|drones?|strikes?|attacks?|artillery|side|uavs?|"
    r"shelling|armed forces)|armed forces of ukraine|\bAFU\b",
)


def has_attack_word(text: str) -> bool:
    """True when ``text`` reports an attack: an attack, casualty or weapon word that is not
    part of an alert ("air raid alert"), a shelter, "a dead soldier" or "a rocket launcher"."""
    for m in _ATTACK_RE.finditer(text):
        lo = max(0, m.start() - 12)
        window = text[lo : m.end() + 20]
        if not _NOT_ATTACK_RE.search(window):
            return True
    return False


def detect_weapon(text: str) -> tuple[str, str | None]:
    """``(weapon class, model)`` named in ``text``; ``("unknown", None)`` when none.

    The class named earliest in the text wins (the head of "missile and drone attack"); a
    model ("Kalibr", "Shahed-136") is reported beside its class.
    """
    model_m = _MODEL_RE.search(text)
    model = model_m.group(1) if model_m else None
    m = _WEAPON_RE.search(text)
    if m is None or m.lastgroup is None:
        return "unknown", model
    return _WEAPON_PATTERNS[int(m.lastgroup[1:])][0], model


def detect_target(text: str) -> str | None:
    """The first target class (in the order of :data:`_TARGETS`) named in ``text``."""
    if not _ANY_TARGET_RE.search(text):
        return None
    for target, rx in _TARGET_RES:
        if rx.search(text):
            return target
    return None


def is_intercepted(text: str) -> bool:
    """The clause reports a shoot-down, or debris of one (the weapon class is kept: an intercepted
    missile is a missile); a partial one ("shooting down three of them") is a hit."""
    return intercept_at(text) is not None


def intercept_at(text: str) -> int | None:
    """Offset of the shoot-down the clause reports (None: none, or only a partial one)."""
    m = _INTERCEPT_RE.search(text)
    if m is None or _PARTIAL_RE.search(text):
        return None
    return m.start()


def event_type(weapon: str, intercepted: bool) -> str:
    """ACLED sub-event type of a strike."""
    if intercepted:
        return "Disrupted weapons use"
    if weapon in ("drone", "aerial bomb"):
        return "Air/drone strike"
    return "Shelling/artillery/missile attack"


def actor(text: str, country: str | None) -> str | None:
    """The attacking side: named in the text, else implied by the place's country."""
    if _RUSSIAN_RE.search(text):
        return "Russian forces"
    if _UKRAINIAN_RE.search(text):
        return "Ukrainian forces"
    # Clearly implied by the front line of this war: strikes in Ukraine are Russian,
    # strikes inside Russia are Ukrainian.
    return {"UA": "Russian forces", "RU": "Ukrainian forces"}.get(country or "")

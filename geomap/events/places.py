"""Which place mentions are strike places: text rules over the sentence around a mention.

Each rule returns a reason when a mention is *not* the place of a strike:

* ``dateline``: "KYIV, Ukraine (AP) —", "MOSCOW, Feb 24 (AFP) -", a lone "KIEV" line;
* ``origin``: launch sites and other origins -- "launched from Kursk", "fired from occupied
  Crimea", "from a warship in the Black Sea", "troops from the village of X", "X-launched";
* ``distance``: reference points -- "90 km southeast of the regional capital, Sumy", "85
  kilometers (53 miles) from X", "southeast of Moscow";
* ``title``: a place inside an office or body -- "Donetsk regional governor", "governor of the
  Ryazan region", "Kyiv Mayor", "the Lviv Oblast Military Administration";
* ``metonym``: a capital that stands for its government -- "Moscow's attacks", "Kyiv has
  launched", "Kiev officials", "the Kyiv regime";
* ``hydronym`` / ``front``: "the Dnipro River", "the Kherson direction", "the Pokrovsk sector";
* ``caption``: an undated photo caption;
* ``background``: habitual or period statements -- "has regularly launched strikes on X since
  2022", "in recent weeks".

Region lists ("the regions of Chernihiv, Sumy and Kharkiv", "Russia's Krasnodar, Rostov
regions", "the eastern Kharkiv and western Lviv regions") are found by :func:`region_list_spans`:
their members are regions, not the cities of the same name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = [
    "NPP_TOWNS",
    "UNKNOWN_PLACE_BEFORE_RE",
    "background",
    "caption_lines",
    "dateline_spans",
    "is_title",
    "list_members",
    "region_list_spans",
    "role_before_after",
    "single_region",
]

# ---------------------------------------------------------------------------- datelines
_AGENCY = r"\((?:[A-Z][A-Za-z]{1,12}(?:[ /.-][A-Za-z]{1,12}){0,3})\)"
_DATELINE_RES = (
    # "KYIV, Ukraine (AP) —", "MOSCOW, Feb 24, 2025 (BSS/AFP) -", "KYIV, June 14:", "KYIV-", "KIEV"
    re.compile(
        r"^(?P<place>[A-Z][A-Z'’.\-]{2,}(?: [A-Z][A-Z'’.\-]{1,})*)(?:,\s*[A-Z][A-Za-z.\- ]{1,30}?)?"
        r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?|\d{1,2}\s+[A-Z][a-z]{2,8}\.?(?:\s+\d{4})?))?"
        rf"\s*(?:{_AGENCY})?\s*(?:[-–—:]|$)",
        re.M,
    ),
    # "Berlin (AFP) –", "Kyiv, Ukraine (Reuters) -"
    re.compile(
        rf"^(?P<place>[A-Z][\w'’.\-]+(?: [A-Z][\w'’.\-]+)?)(?:,\s*[A-Z][\w.\- ]{{1,30}}?)?\s*{_AGENCY}\s*[-–—:]",
        re.M,
    ),
    # "Kyiv, Ukraine — ...": a place and its country before a dash
    re.compile(
        r"^(?P<place>[A-Z][\w'’.\-]+(?: [A-Z][\w'’.\-]+)?),\s*(?:Ukraine|Russia|Belarus|Moldova|Poland|Romania|Georgia)"
        r"\s*[–—-]\s",
        re.M,
    ),
)
_DATELINE_LINES = 8


def dateline_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of wire datelines at the start of the first lines of the text."""
    out = []
    pos = 0
    seen = 0
    for line in text.split("\n"):
        if line.strip():
            seen += 1
            if seen > _DATELINE_LINES:
                break
            lead = len(line) - len(line.lstrip())
            for rx in _DATELINE_RES:
                m = rx.match(line, lead)
                if m and (m.end() < len(line) or len(line.strip()) <= 30):
                    out.append((pos + m.start("place"), pos + m.end()))
                    break
        pos += len(line) + 1
    return out


# ---------------------------------------------------------------------------- captions
_CREDIT_RE = re.compile(
    r"\((?:[^()]*/[^()]*|[^()]*\b(?:Photo|Getty|Reuters|AP|AFP|Telegram|Service|Administration|Ministry|Press|"
    r"Office|Facebook|X|Twitter|Images|Suspilne|Ukrinform)\b[^()]*)\)\s*$|\bPhoto(?:s|graph)?(?: by)?:\s|"
    r"\bImage source\b|\bPhoto:\s*\S",
)


def caption_lines(text: str) -> list[tuple[int, int]]:
    """Spans of photo-caption lines (a credit in parentheses at the end, "Photo: ...")."""
    out = []
    pos = 0
    for line in text.split("\n"):
        if 0 < len(line) <= 400 and _CREDIT_RE.search(line):
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


# ---------------------------------------------------------------------------- background
_BACKGROUND_RE = re.compile(
    r"\b(?:regularly|repeatedly|routinely|frequently|often|constantly|continuously|near-daily|almost daily|"
    r"almost constant|nightly attacks|daily attacks|in recent (?:days|weeks|months|years)|"
    r"over (?:recent|the past|the last) (?:weeks|months|years)|for (?:weeks|months|years))\b|"
    r"\b(?:has|have) (?:been )?(?:\w+ly )?\w+(?:ed|en|ing)\b[^.;]{0,80}\bsince (?:the |its |russia|ukraine|\d{4}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*)|"
    r"\bsince the (?:start|beginning|escalation|outbreak) of\b|\bsince (?:the )?(?:full-scale )?invasion\b",
    re.I,
)


def background(sentence: str) -> bool:
    """A habitual or period statement (no dated strike)."""
    return bool(_BACKGROUND_RE.search(sentence))


# ---------------------------------------------------------------------------- around a mention
_ORIGIN_BEFORE_RE = re.compile(
    r"\bfrom\s+(?:(?:the|a|an|its|their|occupied|russian-occupied|temporarily|parts?|of|areas?|territor(?:y|ies)|"
    r"waters?|direction|side|skies|sky|airspace|airfields?|air ?bases?|bases?|warships?|ships?|vessels?|"
    r"submarines?|aircraft|bombers?|planes?|jets?|positions?|in|over|near|villages?|towns?|cities|city|"
    r"settlements?|russia['’]s|ukraine['’]s|belarus['’]|russian|ukrainian|belarusian|[a-z]+ern|[a-z]+-[a-z]+ern)"
    r"\s+){0,6}$",
    re.I,
)
_ORIGIN_AFTER_RE = re.compile(r"^[-‐]launched\b|^\s*-based\b", re.I)
_DISTANCE_BEFORE_RE = re.compile(
    r"\b\d[\d.,]*\s*(?:km|kilometers?|kilometres?|miles?)\b(?:\s*\([^)]{0,30}\))?[^.;]{0,40}?\b"
    r"(?:of|from|to|outside|away from)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}?"
    r"(?:(?:capital|centre|center|city|town|village)(?:\s+of)?,?\s+)?$|"
    r"\b(?:north|south|east|west)(?:-?(?:north|south|east|west))?(?:ern)?\s+of\s+(?:the\s+)?"
    r"(?:[\w'’-]+\s+){0,3}?(?:(?:capital|centre|center|city),?\s+)?$|"
    r"\b(?:bordering|borders|border with|close to the border with|on the border with)\s+(?:the\s+)?$",
    re.I,
)
_TITLE_AFTER_RE = re.compile(
    r"^(?:['’]s)?\s*(?:regional|region['’]s|oblast|oblast['’]s|city|city['’]s|district|provincial)?\s*"
    r"(?:military\s+)?(?:governor|mayor|head|chief|administration|administrations|authorities|officials?|"
    r"police|prosecutors?|council|emergency service|state emergency service|military administration|"
    r"civil-military administration|regional military administration|OVA|ODA|court|parliament|duma|"
    r"legislature|spokesperson|spokesman|spokeswoman|department|directorate)\b",
    re.I,
)
_TITLE_BEFORE_RE = re.compile(
    r"\b(?:governor|head|mayor|chief|administration|authorities|officials|prosecutors?|spokes(?:man|woman|person))"
    r"\s+of\s+(?:the\s+)?(?:russia['’]s\s+|ukraine['’]s\s+)?$|"
    r"\b(?:ministry|government|officials|authorities|embassy|court|kremlin|headquarters|parliament|duma)\s+in\s+$",
    re.I,
)
_METONYM_AFTER_RE = re.compile(
    r"^(?:\s*['’]s?\s+(?!(?:\w+\s+)?(?:district|region|oblast|outskirts|suburbs?|centre|center|residents?|"
    r"streets?|neighbou?rhoods?|skies|sky|airport|metro|port|mayor|governor|city))|"
    r"\s+(?:(?:also|again|later|earlier|previously|repeatedly|\w+ly)\s+)?(?:has|have|had|is|was|will|would|says?|"
    r"said|claims?|claimed|reports?|reported|announced|stated|confirmed|condemned|called|demanded|asked|urged|"
    r"accus\w+|blam\w+|den(?:y|ies|ied)|"
    r"launch\w*|hit|struck|attack\w*|officials?|regime|government|authorities|leadership|insists?|"
    r"wants?|hopes?|warns?|warned|responded|retaliat\w+|and its|considers?|sees|views?|believes?|"
    r"rejects?|rejected|agreed|refused|sent|send|sends|fired|strikes|struck|used|uses|continues|"
    r"intensified|stepped up)\b)",
    re.I,
)
_METONYM_PASSIVE_RE = re.compile(
    r"^\s+(?:(?:has|have|had) been|is|was|are|were)(?: being)? (?:hit|struck|attacked|targeted|shelled|bombed)"
)
_METONYM_BEFORE_RE = re.compile(
    r"\b(?:between|accused|accusing|blamed|blaming|urged|urging|told|telling|says|said|according to)\s+$", re.I
)
_METONYM_AND_RE = re.compile(r"\b(?:between|both)\s+\w+\s+and\s+$", re.I)
_HYDRONYM_AFTER_RE = re.compile(r"^\s+(?:river|sea|lake|reservoir|bay|gulf|canal|strait|lagoon|estuary|spit)\b", re.I)
_FRONT_AFTER_RE = re.compile(r"^\s+(?:front|direction|sector|axis|front line|frontline|offensive)\b", re.I)
_FRONT_BEFORE_RE = re.compile(
    r"\b(?:fighting|clashes|battles?|combat|fights?)\s+(?:\w+\s+){0,2}(?:around|near|for|in)\s+$", re.I
)


_QUALIFIER_BEFORE_RE = re.compile(
    # "the Dubovykivska community of Ukraine's Dnipropetrovsk"
    r"\b(?:community|hromada|district|raion|village|town|settlement)\s+(?:of|in)\s+(?:the\s+)?"
    r"(?:russia['’]s\s+|ukraine['’]s\s+)$",
    re.I,
)
#: The region of a named place the gazetteer lacks: "the village of Zvannoe in Kursk Region",
#: "the Dyagilevo airfield in the Ryazan region" (the strike is there, not region-wide).
UNKNOWN_PLACE_BEFORE_RE = re.compile(
    r"\b(?:village|town|settlement|hamlet)\s+of\s+[A-Z][\w'’]+(?:[- ][A-Z][\w'’]+)?,?\s+(?:in\s+)?(?:the\s+)?$|"
    r"\b[A-Z][\w'’]+(?:[- ][A-Z][\w'’]+)?\s+(?:airfield|air ?base|(?:oil )?refinery|power plant|plant|depot)\s+"
    r"(?:in|of)\s+(?:the\s+)?$"
)


def is_title(before: str, after: str) -> bool:
    """The place is part of an office or body: "Kyiv Mayor", "governor of the X region"."""
    return bool(_TITLE_AFTER_RE.search(after) or _TITLE_BEFORE_RE.search(before))


def role_before_after(before: str, after: str, *, capital: bool) -> str | None:
    """Why a mention with ``before``/``after`` text (same sentence) is no strike place, or None."""
    if _QUALIFIER_BEFORE_RE.search(before):
        return "qualifier"
    if UNKNOWN_PLACE_BEFORE_RE.search(before):
        return "region of an unknown place"
    if _ORIGIN_BEFORE_RE.search(before) or _ORIGIN_AFTER_RE.search(after):
        return "origin"
    if _DISTANCE_BEFORE_RE.search(before):
        return "distance"
    if _HYDRONYM_AFTER_RE.search(after):
        return "hydronym"
    if _FRONT_AFTER_RE.search(after) or _FRONT_BEFORE_RE.search(before):
        return "front"
    if _TITLE_AFTER_RE.search(after) or _TITLE_BEFORE_RE.search(before):
        return "title"
    if capital and not _METONYM_PASSIVE_RE.search(after):
        if _METONYM_BEFORE_RE.search(before) or re.search(r"\band\s+$", before) and _METONYM_AND_RE.search(before):
            return "metonym"
        if (
            _METONYM_AFTER_RE.search(after)
            or re.search(r"\bthe\s+$", before, re.I)
            and re.match(r"^\s+(?:regime|government|leadership|authorities)", after, re.I)
        ):
            return "metonym"
    return None


# ---------------------------------------------------------------------------- region lists
_NAME = r"[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?"
_ADJ = (
    r"(?:(?:north|south|east|west|central|north-?east|north-?west|south-?east|south-?west)(?:ern)?|"
    r"front-?line|border|occupied|neighbou?ring)"
)
_ITEM = rf"(?:(?:the )?{_ADJ} )?{_NAME}"
_SEP = r"(?:,? (?:and|as well as|or) |, )"
_REGION_WORD = r"(?:regions|oblasts|provinces|krais|territories)"
_SEP1 = r"(?:,? (?:and|or) |, )"
_REGION_LIST_RES = (
    # "the Poltava, Dnipropetrovsk and Rivne oblasts", "the eastern Kharkiv and western Lviv regions",
    # "Russia's Krasnodar, Rostov regions"
    re.compile(rf"(?P<list>{_ITEM}(?:{_SEP1}{_ITEM})+) {_REGION_WORD}\b"),
    # "the regions of Chernihiv, Sumy and Kharkiv", "regions including Moscow, Leningrad, ... and Oryol",
    # "in six regions ...: Smolensk, Tver, and Bryansk"
    re.compile(
        rf"\b{_REGION_WORD}\b(?: [a-z-]+){{0,2}} (?:of|including|such as|like|namely)(?: the)? "
        rf"(?P<list>{_ITEM}(?:{_SEP}{_ITEM})*)"
    ),
    re.compile(rf"\b{_REGION_WORD}\b[^:.;]{{0,80}}:\s*(?P<list>{_ITEM}(?:{_SEP}{_ITEM})+)"),
    # "the northeastern region of Sumy"
    re.compile(rf"\b(?:region|oblast|province) of (?P<list>{_NAME})\b"),
)
_SPLIT_RE = re.compile(rf"{_SEP}")
_POSSESSIVE_RE = re.compile(r"^[A-Z][\w-]*['’]s ")
_ADJ_RE = re.compile(rf"^(?:the )?{_ADJ} ", re.I)


def region_list_spans(sentence: str) -> list[tuple[int, int, str]]:
    """Members of region lists in ``sentence``: ``(start, end, name)`` (offsets into the sentence);
    "the region of X" gives X too (a list of one)."""
    out: dict[int, tuple[int, int, str]] = {}
    for rx in _REGION_LIST_RES:
        for m in rx.finditer(sentence):
            base = m.start("list")
            body = m.group("list")
            pos = 0
            for part in _SPLIT_RE.split(body):
                idx = body.find(part, pos)
                pos = idx + len(part)
                adj = _ADJ_RE.match(part)
                name = part[adj.end() :] if adj else part
                if name.startswith("the "):
                    name = name[4:]
                owner = _POSSESSIVE_RE.match(name)  # "Russia's Krasnodar"
                if owner:
                    name = name[owner.end() :]
                if not name or not name[0].isupper():
                    continue
                start = base + idx + (len(part) - len(name))
                out.setdefault(start, (start, start + len(name), name))
    return sorted(out.values())


#: Nuclear power plants named after a city or region, and the town each stands at
#: (name key -> (town, ISO country)).
NPP_TOWNS: dict[str, tuple[str, str]] = {
    "zaporizhzhia": ("Enerhodar", "UA"),
    "zaporizhzhya": ("Enerhodar", "UA"),
    "zaporozhye": ("Enerhodar", "UA"),
    "south ukraine": ("Yuzhnoukrainsk", "UA"),
    "rivne": ("Varash", "UA"),
    "khmelnytskyi": ("Netishyn", "UA"),
    "khmelnitsky": ("Netishyn", "UA"),
    "chornobyl": ("Chornobyl", "UA"),
    "chernobyl": ("Chornobyl", "UA"),
    "kursk": ("Kurchatov", "RU"),
    "novovoronezh": ("Novovoronezh", "RU"),
    "smolensk": ("Desnogorsk", "RU"),
    "leningrad": ("Sosnovy Bor", "RU"),
    "kalinin": ("Udomlya", "RU"),
    "rostov": ("Volgodonsk", "RU"),
    "balakovo": ("Balakovo", "RU"),
    "beloyarsk": ("Zarechny", "RU"),
    "kola": ("Polyarnye Zori", "RU"),
    "belarusian": ("Astravyets", "BY"),
    "ostrovets": ("Astravyets", "BY"),
}
NPP_AFTER_RE = re.compile(
    r"^\s+(?:nuclear power (?:plant|station)|nuclear plant|npp|atomic (?:power )?(?:plant|station))\b", re.I
)


def single_region(sentence: str, start: int) -> bool:
    """The region name at ``start`` is the one of "the region of X" (not a list)."""
    return any(m.start("list") == start for m in _REGION_LIST_RES[-1].finditer(sentence))


def list_members(between: Sequence[str]) -> bool:
    """The texts between consecutive places are list separators ("A, B and C")."""
    return all(_LIST_SEP_RE.fullmatch(t) for t in between)


_LIST_SEP_RE = re.compile(
    r"\s*(?:,\s*(?:and\s+|or\s+)?|\s*and\s+|\s*or\s+|\s*as well as\s+|\s*&\s+)(?:the\s+)?"
    r"(?:(?:villages?|towns?|cities|city|settlements?|communities|community|regions?|oblasts?|districts?)\s+of\s+)?",
    re.I,
)

"""Casualty statements: who was killed or injured, how many, and where in the text it is said.

A clause such as "a 33-year-old man was killed and two women were injured" holds two
*statements*; each has a kind (``killed``/``injured``), a count (``None`` when the text says
people were hurt without a number: "civilians were wounded", "more than a dozen"), and the
character offset of its subject or object, so that the event rules can give each statement to
the place of its own conjunct ("two killed in X and another in Y").

The grammar, on word tokens:

* a *victim phrase* is one or more items joined by ",", "and", "as well as"; an item is an
  optional quantifier ("at least", "more than", "another"), a count (digits, number words, "a",
  "an", "one more"), up to four modifiers ("33-year-old", "elderly", "van") and a person noun
  ("man", "civilians", "driver"); an age appositive ("aged 37 and 59", ", 59,", "born in
  1956") belongs to its item. A bare count is a phrase too ("wounding seven", "two were killed");
  a count followed by a noun that is not a person ("killing 11 cows") is not.
* *passive*: phrase [aux] [adverb] verb -- "three civilians, including a woman, were also
  wounded", "a resident of X was slightly injured", "six people were confirmed dead";
* *active*: verb phrase -- "killing a man and a woman", "injured at least 26 others",
  "leaving three dead";
* *elliptical*: a phrase with no verb after an earlier statement of the same clause takes
  that statement's kind -- "killed two in X and another in Y", "injured a woman in X and a
  man in Y";
* *nouns*: "N fatalities/deaths", "the death toll rose to N", "the number of injured has
  risen to N" (a toll: the latest one wins);
* *zero*: "no casualties", "nobody was killed", "without causing casualties", "no one was
  injured" (injured only). "No casualties have been confirmed so far" is not a zero.

Phrases after "including", "among them" and "of whom" are parts of a figure already
counted and are skipped; "three children were among the wounded" states nothing new.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Statement", "count_casualties", "statements"]

KILLED = "killed"
INJURED = "injured"

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
}
_TENS = {w: n for w, n in _NUMBER_WORDS.items() if n >= 20 and n < 100}
#: Counts that say "some people" without a number: stated, but unknown.
_VAGUE = frozenset("several few many dozens dozen scores hundreds multiple numerous some".split())
_SINGULAR_DET = frozenset("a an the its his her their this that one another".split())
_QUANT_WORDS = frozenset("least more than over up to some about around nearly almost roughly approximately".split())
_QUANT_RE = re.compile(
    r"^(?:at least|more than|over|up to|about|around|nearly|almost|roughly|approximately|as many as|"
    r"a total of|some|a further|an additional)$"
)
_MORE = frozenset({"more", "other", "others", "further", "additional"})
_PERSON_SINGULAR = frozenset(
    """
person man woman child boy girl baby infant toddler teenager teen adult civilian resident
worker employee driver passenger journalist reporter photographer forester firefighter
rescuer medic paramedic doctor nurse policeman policewoman officer soldier serviceman
servicewoman volunteer farmer victim citizen individual member pensioner retiree
guard engineer miner sailor teacher student pupil adviser advisor producer operator
cameraman crew wife husband son daughter mother father grandmother grandfather brother
sister elder elderly occupant motorist cyclist pedestrian priest
""".split()
)
_PERSON_PLURAL = frozenset(
    """
people persons men women children kids boys girls babies infants toddlers teenagers teens
adults civilians residents workers employees drivers passengers journalists reporters
photographers foresters firefighters rescuers medics paramedics doctors nurses policemen
officers soldiers servicemen servicewomen troops volunteers farmers locals victims citizens
individuals members pensioners retirees guards engineers miners sailors teachers students
pupils advisers advisors operators crew family families others elderly occupants motorists
cyclists pedestrians priests couple
""".split()
)
#: Nouns that look like persons by their ending but are things.
_NOT_PERSONS = frozenset(
    """
transformer transformers container containers generator generators reactor reactors tractor tractors elevator
elevators monitor monitors computer computers tower towers center centers centre centres launcher launchers
carrier carriers bomber bombers destroyer destroyers tanker tankers trailer trailers helicopter helicopters
interceptor interceptors bunker bunkers border borders corner corners shelter shelters water power order number
sector sectors corridor corridors theater theatre quarter quarters layer layers letter letters motor motors
scooter scooters charger chargers heater heaters printer printers meter meters kilometer kilometers floor floors
""".split()
)
_AUX = frozenset("was were is are has have had been being be got get gets".split())
_ADV = frozenset(
    """
also reportedly slightly seriously critically severely lightly fatally mortally later allegedly all both
each then subsequently initially now reported confirmed found officially tragically badly gravely
""".split()
)
#: Verb words after a victim phrase (passive / intransitive) -> kind.
_PASSIVE = {
    "killed": KILLED,
    "dead": KILLED,
    "died": KILLED,
    "die": KILLED,
    "perished": KILLED,
    "injured": INJURED,
    "wounded": INJURED,
    "hurt": INJURED,
    "hospitalised": INJURED,
    "hospitalized": INJURED,
}
#: Verb words before a victim phrase (active) -> kind.
_ACTIVE = {
    "killed": KILLED,
    "killing": KILLED,
    "kills": KILLED,
    "kill": KILLED,
    "injured": INJURED,
    "injuring": INJURED,
    "injures": INJURED,
    "injure": INJURED,
    "wounded": INJURED,
    "wounding": INJURED,
    "wounds": INJURED,
    "wound": INJURED,
    "hurt": INJURED,
    "hurting": INJURED,
}
_LEAVE = frozenset({"left", "leaving", "leaves", "leave"})
#: "suffered injuries", "sustained fragmentation wounds", "received shrapnel injuries".
_SUFFER = frozenset({"suffered", "sustained", "received", "suffering", "sustaining", "receiving", "suffer", "sustain"})
_INJURY_NOUNS = frozenset({"injuries", "injury", "wounds", "wound"})
#: Words before a phrase that make it part of a figure already given.
_SUBSET = frozenset({"including", "includes", "include"})
#: Words that end a clause: a phrase before them is not the subject of a verb after them.
_CLAUSE_END = frozenset(
    {";", ":", "said", "says", "say", "when", "while", "but", "after", "before", "where", "which", "who", "whereas"}
)
_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*(?:-[A-Za-z]+)*|[A-Za-z]+(?:['’][A-Za-z]+)*(?:-[A-Za-z0-9]+)*|[^\sA-Za-z\d]")
_NOT_YET = r"(?![^.;]{0,40}\b(?:confirmed|yet|so far|immediately|information|details|word|reports? of)\b)"
_KILL_WORDS = r"(?:killed|died|dead)"
_HURT_WORDS = r"(?:injured|hurt|wounded)"
_ZERO_RES = (
    (
        re.compile(
            rf"\bno (?:casualties|victims|fatalities or injuries|deaths or injuries)\b{_NOT_YET}|"
            r"\bwithout (?:causing |any |inflicting |leaving )*casualties\b|\bcasualty-free\b|"
            r"\bthere were no (?:casualties|victims)\b|"
            rf"\b(?:no ?one|nobody|none)\b[^.;]{{0,40}}?\b{_KILL_WORDS} or {_HURT_WORDS}\b|"
            rf"\b(?:no ?one|nobody|none)\b[^.;]{{0,40}}?\b{_HURT_WORDS} or {_KILL_WORDS}\b",
            re.I,
        ),
        (KILLED, INJURED),
    ),
    (
        re.compile(
            rf"\bno (?:deaths|fatalities)\b{_NOT_YET}|\b(?:no ?one|nobody|none)\b[^.;]{{0,40}}?\b(?:was|were|has been|"
            rf"have been|had been) killed\b(?! or)|\b(?:no ?one|nobody|none)\b[^.;]{{0,40}}?\bdied\b(?! or)",
            re.I,
        ),
        (KILLED,),
    ),
    (
        re.compile(
            rf"\bno injuries\b{_NOT_YET}|\b(?:no ?one|nobody|none)\b[^.;]{{0,40}}?\b(?:was|were|has been|have been|"
            rf"had been) {_HURT_WORDS}\b(?! or)|\bwithout (?:any )?injuries\b",
            re.I,
        ),
        (INJURED,),
    ),
)
#: "no injuries" alone is no casualties at all: a death would have been said.
_NO_INJURIES_ALONE_RE = re.compile(r"\b(?:with|there were|caused|causing|reported) no injuries\b", re.I)
_RISE = r"(?:(?:has|have|had) )?(?:rose|risen|rises|climbed|increased|reached|stands|stood|grew|grown|is|was|now)"
_NUM = r"(\d{1,5}|(?:" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")(?:-\w+)?)"
_TOLL_RE = re.compile(
    rf"\b(?:death toll|number of (?:the )?(?:dead|deaths|fatalities|people killed|killed))\b[^.;]{{0,40}}?\b{_RISE}\b"
    rf"[^.;\d]{{0,20}}?(?:to |at |of )?{_NUM}\b",
    re.I,
)
_INJURED_TOLL_RE = re.compile(
    rf"\b(?:number of (?:the )?(?:injured|wounded|injuries|people injured|people wounded)|injury toll)\b[^.;]{{0,40}}?"
    rf"\b{_RISE}\b[^.;\d]{{0,20}}?(?:to |at |of )?{_NUM}\b",
    re.I,
)
_FATALITIES_RE = re.compile(
    r"\b(?:at least |more than |over )?(\d{1,5}|[a-z]+) (?:fatalities|deaths|people dead)\b(?! toll)", re.I
)


@dataclass(frozen=True, slots=True)
class Statement:
    """One casualty figure stated in a text.

    ``count`` is None when people were killed/injured but no number is given; ``anchor`` is
    the character offset of the victim phrase (subject) or, for active verbs, of the verb:
    the place of the conjunct holding it gets the figure. ``toll`` marks "the death toll
    rose to N" (the latest toll of an event wins); ``additive`` marks "another"/"N more"
    (added to an earlier figure of the same kind and place); ``zero`` marks "no casualties".
    """

    kind: str
    count: int | None
    start: int
    end: int
    anchor: int
    toll: bool = False
    additive: bool = False
    zero: bool = False
    weak: bool = False  # "two others": additive unless it repeats a figure already given


@dataclass(slots=True)
class _Tok:
    text: str
    low: str
    start: int
    end: int


@dataclass(slots=True)
class _Phrase:
    count: int | None
    start: int  # token indexes
    end: int
    additive: int  # 0, 1 (weak: "other"), 2
    has_head: bool
    subset: bool


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.group(0), m.group(0).lower(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def _number(low: str) -> int | None:
    if low.isdecimal():
        return int(low) if len(low) <= 5 else None
    if low.replace(",", "").isdecimal():
        return int(low.replace(",", ""))
    if low in _NUMBER_WORDS:
        return _NUMBER_WORDS[low]
    if "-" in low:  # twenty-five
        a, _, b = low.partition("-")
        if a in _TENS and b in _NUMBER_WORDS and _NUMBER_WORDS[b] < 10:
            return _TENS[a] + _NUMBER_WORDS[b]
    return None


def _is_person(tok: _Tok, counted: bool) -> tuple[bool, bool]:
    """(is a person noun, is plural). Agent nouns by their ending ("driver", "foresters")
    only inside a counted phrase ("a van driver", "three employees") and in lower case."""
    low = tok.low
    if low in _PERSON_SINGULAR:
        return True, False
    if low in _PERSON_PLURAL:
        return True, True
    if not counted or low in _NOT_PERSONS or not tok.text[:1].islower():
        return False, False
    for suffix in ("ers", "ors", "ists", "ians", "men"):
        if low.endswith(suffix) and len(low) > len(suffix) + 2:
            return True, True
    for suffix in ("er", "or", "ist", "ian", "man"):
        if low.endswith(suffix) and len(low) > len(suffix) + 2:
            return True, False
    return False, False


_STOPS = frozenset(
    """
in on at of from near by for with to into during after before as when while where which who that and or but
than then since over under across around along against per via the a an
""".split()
)
_VERBISH = frozenset(_AUX | set(_PASSIVE) | set(_ACTIVE) | _LEAVE | _SUFFER | _CLAUSE_END | {"lost", "no", "not"})


def _is_modifier(tok: _Tok, counted: bool) -> bool:
    """Adjectives and noun modifiers inside a victim phrase ("33-year-old", "elderly",
    "van"); a capitalised one ("Reuters journalists") only after a count or article."""
    low = tok.low
    if "-old" in low:
        return True
    if not tok.text[:1].isalpha() or low in _VERBISH or low in _STOPS or _number(low) is not None:
        return False
    if low in _VAGUE or low in _SINGULAR_DET or low in _QUANT_WORDS:
        return False
    return counted or tok.text[:1].islower()


def _skip_age(toks: list[_Tok], i: int) -> int:
    """Index after an age appositive at ``i`` (", aged 37 and 59", ", 59,", "born in 1956 and 1967")."""
    n = len(toks)
    j = i
    if (
        j < n
        and toks[j].low == ","
        and j + 1 < n
        and (toks[j + 1].low in ("aged", "born") or toks[j + 1].low.isdecimal())
    ):
        j += 1
    if j < n and toks[j].low in ("aged", "born"):
        j += 1
        if j < n and toks[j].low == "in":
            j += 1
        while j < n and (toks[j].low.isdecimal() or toks[j].low in ("and", ",")):
            if toks[j].low in ("and", ",") and not (j + 1 < n and toks[j + 1].low.isdecimal()):
                break
            j += 1
        return j
    if j > i and j < n and toks[j].low.isdecimal() and j + 1 < n and toks[j + 1].low == ",":
        return j + 2
    return i


def _bare_end(toks: list[_Tok], j: int) -> bool:
    """A count can stand alone before these: "wounding seven,", "two were killed", "10 injured"."""
    if j >= len(toks):
        return True
    t = toks[j]
    return t.low in _STOPS or t.low in _AUX or t.low in _PASSIVE or t.low in _ADV or not t.text[:1].isalnum()


def _item(toks: list[_Tok], i: int) -> tuple[int | None, int, int, bool, bool] | None:
    """One victim item at ``i``: (count, end, additive, has a person head, counted); additive is
    2 for "another"/"N more", 1 for "N other(s)" (additive unless it repeats a figure), else 0."""
    got = _item_raw(toks, i)
    if got is None:
        return None
    count, end, additive, head, counted, weak = got
    return count, end, 2 if additive else (1 if weak else 0), head, counted


def _item_raw(toks: list[_Tok], i: int) -> tuple[int | None, int, bool, bool, bool, bool] | None:
    n = len(toks)
    j = i
    count: int | None = None
    counted = vague = additive = singular_det = weak = False
    while j < n:  # quantifiers: "at least", "more than", "up to", "another", "a further"
        low = toks[j].low
        two = f"{low} {toks[j + 1].low}" if j + 1 < n else low
        three = f"{two} {toks[j + 2].low}" if j + 2 < n else two
        if _QUANT_RE.match(three):
            j += 3
        elif _QUANT_RE.match(two) and two != "some of":
            additive = additive or two in ("a further", "an additional")
            j += 2
        elif low == "another":
            count, counted, additive = 1, True, True
            j += 1
        elif low in ("over", "about", "around", "nearly", "almost", "roughly", "approximately") and j + 1 < n:
            j += 1
        else:
            break
    if j < n:
        low = toks[j].low
        num = _number(low)
        if num is not None and not (j + 1 < n and toks[j + 1].low in ("%", "percent", "per")):
            count, counted = num, True
            j += 1
            if j < n and toks[j].low in ("hundred", "thousand"):
                count *= 100 if toks[j].low == "hundred" else 1000
                j += 1
        elif low in ("a", "an") and j + 1 < n and toks[j + 1].low in ("dozen", "few", "number"):
            vague = counted = True
            j += 2
        elif low in _VAGUE and low != "some":
            vague = counted = True
            j += 1
        elif low in _SINGULAR_DET and not counted:
            singular_det = True
            j += 1
    if j < n and toks[j].low in _MORE and (counted or singular_det):
        word = toks[j].low
        if word in ("more", "further", "additional"):
            additive = True
        elif word in ("other", "others") and not additive:
            weak = True
        nxt_person = j + 1 < n and _is_person(toks[j + 1], True)[0]
        j += 1
        if word in ("others",) or (word == "more" and not nxt_person and not (j < n and _is_modifier(toks[j], True))):
            return (None if vague else count), _skip_age(toks, j), additive, True, True, weak
    k = j
    head = plural = False
    mods = 0
    counted_or_det = counted or singular_det
    while k < n and mods <= 4:  # modifiers, then a person noun (the last of a run)
        is_p, is_pl = _is_person(toks[k], counted_or_det)
        if is_p:
            head, plural = True, is_pl
            k += 1
            while k < n and _is_person(toks[k], counted_or_det)[0]:
                plural = _is_person(toks[k], counted_or_det)[1]
                k += 1
            break
        if not _is_modifier(toks[k], counted_or_det):
            break
        mods += 1
        k += 1
    if head:
        end = _skip_age(toks, k)
        while end < n and end - k < 3 and toks[end].text[:1].isupper() and toks[end].text.isalpha() and not plural:
            end += 1  # a name after the head: "adviser Ryan Evans"
        if vague:
            return None, end, additive, True, True, weak
        if counted:
            return count, end, additive, True, True, weak
        if not plural:
            return 1, end, additive, True, True, weak
        return None, end, additive, True, False, weak
    if counted and mods == 0 and _bare_end(toks, j):
        return (None if vague else count), j, additive, False, True, weak
    return None


def _phrase(toks: list[_Tok], i: int) -> _Phrase | None:
    """A victim phrase (items joined by ',', 'and', 'as well as') starting at ``i``."""
    if i > 0 and toks[i - 1].low in ("no", "not", "none"):
        return None
    first = _item(toks, i)
    if first is None:
        return None
    total, end, additive, head, counted = first
    n = len(toks)
    while end < n:
        j = end
        if toks[j].low == "," and j + 1 < n and toks[j + 1].low == "and":
            j += 2
        elif toks[j].low in (",", "and"):
            j += 1
        elif toks[j].low == "as" and j + 2 < n and toks[j + 1].low == "well" and toks[j + 2].low == "as":
            j += 3
        else:
            break
        nxt = _item(toks, j)
        if nxt is None or nxt[2] or not nxt[3]:  # "and another in Y", "and 10 injured": new statements
            break
        if toks[end].low == "," and toks[j - 1].low == "," and not nxt[4] and toks[j].low not in ("a", "an"):
            break  # "three others, the local administration said"
        if toks[j].low == "the":
            break
        total = None if total is None or nxt[0] is None else total + nxt[0]
        end = nxt[1]
    subset = i > 0 and (
        toks[i - 1].low in _SUBSET
        or (i > 1 and toks[i - 2].low in ("among", "of") and toks[i - 1].low in ("them", "whom"))
    )
    return _Phrase(total, i, end, additive, head, subset) if (head or counted) else None


def _passive_at(toks: list[_Tok], j: int) -> tuple[str, int, int] | None:
    """A passive/intransitive verb group whose verb word is at ``j``: (kind, first token, end)."""
    n = len(toks)
    low = toks[j].low
    kind = None
    end = j + 1
    if low in _PASSIVE and not (j > 0 and toks[j - 1].low in ("the", "a", "an", "and", "or")):
        kind = _PASSIVE[low]
    elif low in _SUFFER:
        k = j + 1
        if k < n and toks[k].low not in _INJURY_NOUNS and toks[k].text.isalpha():
            k += 1  # "fragmentation wounds", "shrapnel injuries"
        if k < n and toks[k].low in _INJURY_NOUNS:
            kind, end = INJURED, k + 1
    elif (
        low == "lost"
        and j + 2 < n
        and toks[j + 1].low in ("their", "his", "her")
        and toks[j + 2].low in ("lives", "life")
    ):
        kind, end = KILLED, j + 3
    if kind is None:
        return None
    start = j
    while start > 0 and (toks[start - 1].low in _AUX or toks[start - 1].low in _ADV) and j - start < 5:
        start -= 1
    return kind, start, end


def _tail_ok(toks: list[_Tok], a: int, b: int) -> bool:
    """Tokens between a victim phrase and its verb group that keep it the subject: none,
    a parenthetical (", including a woman,", "- including seven children -") or a place
    ("in the village of X, Y region,")."""
    if a == b:
        return True
    if b - a > 16 or toks[a].low not in (",", "-", "–", "—", "(", "in", "at", "of", "from", "near", "on", "inside"):
        return False
    return not any(t.low in _CLAUSE_END or t.low in _VERBISH and t.low not in ("no", "not") for t in toks[a:b])


def statements(text: str) -> list[Statement]:
    """Every casualty statement of ``text``, in order of position (see the module docstring)."""
    toks = _tokens(text)
    n = len(toks)
    out: list[Statement] = []
    taken = [False] * n  # tokens inside a statement already made
    for j in range(n):
        low = toks[j].low
        if taken[j]:
            continue
        # active: "killing a man and a woman", "injured three", "leaving three dead"
        if (low in _ACTIVE or low in _LEAVE) and not (j > 0 and (toks[j - 1].low in _AUX or toks[j - 1].low == "the")):
            ph = _phrase(toks, j + 1)
            if ph is not None and not ph.subset:
                kind = _ACTIVE.get(low)
                end = ph.end
                if low in _LEAVE:
                    kind = {"dead": KILLED, "injured": INJURED, "wounded": INJURED}.get(
                        toks[end].low if end < n else ""
                    )
                    end += 1
                if kind is not None:
                    out.append(
                        Statement(
                            kind,
                            ph.count,
                            toks[j].start,
                            toks[end - 1].end,
                            toks[j].start,
                            additive=ph.additive > 0,
                            weak=ph.additive == 1,
                        )
                    )
                    for k in range(j, end):
                        taken[k] = True
                    continue
        verb = _passive_at(toks, j)
        if verb is None:
            continue
        kind, vstart, vend = verb
        # the subject: the leftmost phrase that reaches the verb group (through a parenthetical)
        left = vstart
        while left > 0 and vstart - left < 20 and not taken[left - 1] and toks[left - 1].low not in _CLAUSE_END:
            left -= 1
        subject = None
        for k in range(left, vstart):
            ph = _phrase(toks, k)
            if ph is not None and not ph.subset and ph.end <= vstart and _tail_ok(toks, ph.end, vstart):
                subject = ph
                break
        if subject is None:
            continue
        out.append(
            Statement(
                kind,
                subject.count,
                toks[subject.start].start,
                toks[vend - 1].end,
                toks[subject.start].start,
                additive=subject.additive > 0,
                weak=subject.additive == 1,
            )
        )
        for k in range(subject.start, vend):
            taken[k] = True
    out.sort(key=lambda s: s.anchor)
    out.extend(_elliptical(toks, taken, out))
    out.extend(_noun_statements(text, out))
    out.extend(_zero_statements(text, out))
    return sorted(out, key=lambda s: (s.anchor, s.kind))


def _elliptical(toks: list[_Tok], taken: list[bool], found: list[Statement]) -> list[Statement]:
    """ "... two in X and another in Y": a counted phrase after "and"/"," with no verb takes
    the kind of the statement before it."""
    out = []
    n = len(toks)
    for i in range(1, n):
        if taken[i] or toks[i - 1].low not in ("and", ","):
            continue
        before = [s for s in found if s.end <= toks[i].start]
        if not before:
            continue
        ph = _phrase(toks, i)
        if ph is None or ph.subset or (ph.count is None and ph.additive < 2):
            continue
        if ph.end < n and toks[ph.end].low not in ("in", "at", "on", "near", "from", ",", ".", ";", "and", "inside"):
            continue
        if any(taken[k] for k in range(i, ph.end)):
            continue
        last = before[-1]
        out.append(
            Statement(
                last.kind,
                ph.count,
                toks[i].start,
                toks[ph.end - 1].end,
                toks[i].start,
                additive=ph.additive > 0,
                weak=ph.additive == 1,
            )
        )
        for k in range(i, ph.end):
            taken[k] = True
    return out


def _noun_statements(text: str, found: list[Statement]) -> list[Statement]:
    out = []
    for rx, kind in ((_TOLL_RE, KILLED), (_INJURED_TOLL_RE, INJURED)):
        for m in rx.finditer(text):
            n = _number(m.group(1).lower())
            if n is not None:
                out.append(Statement(kind, n, m.start(), m.end(), m.start(), toll=True))
    for m in _FATALITIES_RE.finditer(text):
        n = _number(m.group(1).lower())
        if n is not None and not any(s.start <= m.start() < s.end for s in found):
            out.append(Statement(KILLED, n, m.start(), m.end(), m.start()))
    return out


def _zero_statements(text: str, found: list[Statement]) -> list[Statement]:
    out = []
    for rx, kinds in _ZERO_RES:
        for m in rx.finditer(text):
            for kind in kinds:
                out.append(Statement(kind, 0, m.start(), m.end(), m.start(), zero=True))
    for m in _NO_INJURIES_ALONE_RE.finditer(text):
        if not any(s.kind == KILLED for s in found):
            out.append(Statement(KILLED, 0, m.start(), m.end(), m.start(), zero=True))
    return out


def combine(stated: list[Statement], kind: str) -> int | None:
    """The figure of one kind for one place from its statements: the latest toll, else
    additive statements added to the largest other figure; explicit figures beat zeros."""
    mine = [s for s in stated if s.kind == kind]
    if not mine:
        return None
    tolls = [s for s in mine if s.toll and s.count is not None]
    if tolls:
        return tolls[-1].count  # statements come in text order: the latest toll
    figures = [s for s in mine if not s.zero]
    if not figures:
        return 0
    base = [s.count for s in figures if not s.additive and s.count is not None]
    added: list[int] = []
    for s in figures:
        if not s.additive or s.count is None:
            continue
        if s.weak and (s.count in base or s.count in added):
            continue  # "two other men were injured" after "two others were injured": the same two
        added.append(s.count)
    if not base and not added:
        return None
    return (max(base) if base else 0) + sum(added)


def count_casualties(text: str, which: str) -> int | None:
    """Killed or injured count stated in ``text`` (numbers in words too), else None."""
    return combine(statements(text), which)

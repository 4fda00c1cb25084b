"""Place and date mentions in articles: the ``geomap_places`` spaCy component and its API.

The component matches gazetteer names over capitalised token runs, reconciles them with
the statistical NER (rules in :mod:`geomap.nlp.rules`) and resolves each mention with
context hints (sentence, paragraph, document). Importing this module is cheap: spaCy
imports it through the ``spacy_factories`` entry point, so nothing is loaded here.

>>> from geomap.nlp import find_places                          # doctest: +SKIP
>>> [m.text for m in find_places("Drones hit Shostka in Sumy Oblast.")]  # doctest: +SKIP
['Shostka', 'Sumy Oblast']
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spacy import util as spacy_util
from spacy.language import Language
from spacy.tokens import Doc, Span

from geomap import settings
from geomap.exc import GeomapError, InputError
from geomap.gazetteer.core import gazetteer_identity
from geomap.nlp.rules import RawMention, Settings, date_mentions, find_mentions, text_view, token_view
from geomap.nlp.table import PlaceTable, cached_table
from geomap.records import DateMention, Mention

if TYPE_CHECKING:
    from geomap.gazetteer import Candidate, Gazetteer
    from geomap.ingest import Article

__all__ = [
    "DateMention",
    "Mention",
    "PlacesComponent",
    "find_places",
    "load_pipeline",
    "make_places_component",
    "ner_only_exclude",
    "parse",
    "parse_many",
    "register_extensions",
]

COMPONENT = "geomap_places"
_LOG = logging.getLogger("geomap")


# ---------------------------------------------------------------------- extensions
_ext_lock = threading.Lock()


def _span_candidate(span: Span) -> Candidate | None:
    for m in span.doc._.geomap_places or ():
        if m.start == span.start_char and m.end == span.end_char:
            return m.match
    return None


_CAND_FIELDS = (
    "geonameid",
    "name",
    "lat",
    "lon",
    "country_code",
    "admin1",
    "admin1_name",
    "kind",
    "population",
    "score",
    "matched",
)


def _pack_mention(m: Mention) -> list[object]:
    cand = [getattr(m.match, f) for f in _CAND_FIELDS] if m.match else None
    return [m.text, m.start, m.end, m.sentence, m.sent_start, m.sent_end, m.label, m.hint_source, cand]


def _places_getter(doc: Doc) -> list[Mention] | None:
    data = doc._.geomap_place_data
    if data is None:
        return None
    from geomap.gazetteer import Candidate

    return [
        Mention(
            doc="",
            text=t,
            start=s,
            end=e,
            sentence=sent,
            sent_start=s0,
            sent_end=s1,
            label=label,
            hint_source=hint,
            match=Candidate(**dict(zip(_CAND_FIELDS, cand))) if cand else None,
        )
        for t, s, e, sent, s0, s1, label, hint, cand in data
    ]


def _dates_getter(doc: Doc) -> list[DateMention] | None:
    data = doc._.geomap_date_data
    return None if data is None else [DateMention(*d) for d in data]


def register_extensions() -> None:
    """Register ``Doc._.geomap_places``, ``Doc._.geomap_dates`` and
    ``Span._.geomap_candidate`` (idempotent).

    The values are kept as plain lists (``Doc._.geomap_place_data``/``geomap_date_data``)
    so that docs survive ``Doc.to_bytes`` and ``nlp.pipe(n_process=...)``; the public
    attributes are getters building :class:`Mention`/:class:`DateMention` objects.
    """
    with _ext_lock:
        for name in ("geomap_place_data", "geomap_date_data"):
            if not Doc.has_extension(name):
                Doc.set_extension(name, default=None)
        if not Doc.has_extension("geomap_places"):
            Doc.set_extension("geomap_places", getter=_places_getter)
        if not Doc.has_extension("geomap_dates"):
            Doc.set_extension("geomap_dates", getter=_dates_getter)
        if not Span.has_extension("geomap_candidate"):
            Span.set_extension("geomap_candidate", getter=_span_candidate)


# ---------------------------------------------------------------------- component
class PlacesComponent:
    """Gazetteer place matcher reconciled with NER; see :mod:`geomap.nlp.rules`.

    Sets ``doc._.geomap_places`` (list of :class:`Mention`), ``doc._.geomap_dates``
    (list of :class:`DateMention`) and the span group ``doc.spans["geomap_places"]``.
    Call :meth:`initialize` (or ``nlp.initialize()`` on a blank pipeline) or
    :meth:`from_disk` / :meth:`from_bytes` before use.

    The component records the gazetteer it was built with (its path and identity, written
    by :meth:`to_disk` / :meth:`to_bytes` beside the place table): a pipeline read back
    resolves with that gazetteer, and says so in a warning when the file has changed since.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = COMPONENT,
        *,
        strong_population: int | None = None,
        contradict_population: int,
        max_words: int,
        gazetteer: str = "",
    ) -> None:
        self.name = name
        if strong_population is None:
            self.settings = Settings(contradict_population=contradict_population, max_words=max_words)
        else:
            self.settings = Settings(strong_population, contradict_population, max_words)
        self.table: PlaceTable | None = None
        #: The gazetteer file (``places.npz``); None: ``settings.gazetteer_dir`` at first use.
        self.gazetteer_path: Path | None = _gazetteer_file(gazetteer) if gazetteer else None
        self._gazetteer: Gazetteer | None = None
        register_extensions()

    # ------------------------------------------------------------------ data
    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer the component resolves with (loaded on first use)."""
        if self._gazetteer is None:
            from geomap.gazetteer import Gazetteer

            default = Gazetteer.default()
            if self.gazetteer_path is None or self.gazetteer_path.resolve() == Path(default.path).resolve():
                gaz = default
            else:
                gaz = Gazetteer(self.gazetteer_path)
            self._gazetteer = gaz.prepare()  # one-time tables: at load
            self.gazetteer_path = Path(gaz.path)
        return self._gazetteer

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        cache_dir: str | None = None,
    ) -> None:
        """Load the place table from the cache, building it from the gazetteer if needed."""
        self.table = cached_table(self.gazetteer, Path(cache_dir) if cache_dir else None).prepare()

    def _meta(self) -> dict[str, Any]:
        self._require_table()
        assert self.table is not None
        path = self.gazetteer_path if self.gazetteer_path is not None else Path(self.gazetteer.path)
        return {"gazetteer": str(path), "identity": self.table.source, "version": 1}

    def _use_meta(self, meta: dict[str, Any]) -> None:
        path = Path(str(meta.get("gazetteer") or ""))
        if not meta.get("gazetteer") or not path.exists():
            if meta.get("gazetteer"):
                _LOG.warning(
                    "geomap_places: the gazetteer the pipeline was built with (%s) is missing; using %s",
                    path,
                    settings.get_path("gazetteer_dir"),
                )
            self.gazetteer_path = None
        else:
            self.gazetteer_path = path
            if meta.get("identity") and gazetteer_identity(path) != meta["identity"]:
                _LOG.warning("geomap_places: %s changed since the pipeline was saved; re-initialise it", path)
        self._gazetteer = None

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write the place table and the gazetteer record into ``path`` (a directory)."""
        self._require_table()
        assert self.table is not None
        table = self.table
        meta = self._meta()

        def write_meta(p: Path) -> None:
            Path(p).write_text(json.dumps(meta, indent=1), encoding="utf-8")

        spacy_util.to_disk(path, {"table.npz": table.save, "gazetteer.json": write_meta}, exclude)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> PlacesComponent:
        """Read what :meth:`to_disk` wrote."""

        def load(p: Path) -> None:
            self.table = PlaceTable.load(p).prepare()

        def load_meta(p: Path) -> None:
            if Path(p).exists():
                self._use_meta(json.loads(Path(p).read_text(encoding="utf-8")))

        spacy_util.from_disk(path, {"table.npz": load, "gazetteer.json": load_meta}, exclude)
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """The place table and the gazetteer record as bytes."""
        self._require_table()
        assert self.table is not None
        table = self.table
        meta = self._meta()
        return spacy_util.to_bytes(
            {"table": table.to_bytes, "gazetteer": lambda: json.dumps(meta).encode("utf-8")}, exclude
        )

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> PlacesComponent:
        """Read what :meth:`to_bytes` wrote."""

        def load(b: bytes) -> None:
            self.table = PlaceTable.from_bytes(b).prepare()

        def load_meta(b: bytes) -> None:
            self._use_meta(json.loads(b.decode("utf-8")))

        spacy_util.from_bytes(data, {"table": load, "gazetteer": load_meta}, exclude)
        return self

    def _require_table(self) -> None:
        if self.table is None:
            raise GeomapError(
                f"spaCy component {self.name!r} is not initialised: call "
                "nlp.initialize() or load it with geomap.nlp.load_pipeline()"
            )

    # ------------------------------------------------------------------ call
    def __call__(self, doc: Doc) -> Doc:
        self._require_table()
        assert self.table is not None
        view = token_view(doc)
        text = view.text  # Doc.text is rebuilt from Token objects on every access
        dates = date_mentions(doc, text)
        accepted, sent_spans, _ = find_mentions(doc, self.table, self.gazetteer, self.settings, dates, view)
        doc._.geomap_date_data = [list(d) for d in dates]
        doc._.geomap_place_data = [_pack_mention(_to_mention(view, m, sent_spans)) for m in accepted]
        doc.spans[COMPONENT] = [doc[m.start : m.end] for m in accepted]
        return doc

    def explain(self, doc: Doc) -> list[tuple[str, int, str]]:
        """Rejected candidates of an already processed doc: ``(text, start_char, reason)``."""
        self._require_table()
        assert self.table is not None
        _, _, rejected = find_mentions(doc, self.table, self.gazetteer, self.settings, date_mentions(doc))
        return [(m.text, doc[m.start].idx, m.reason) for m in rejected]

    def text_places(self, text: str, doc_id: str = "") -> list[Mention]:
        """Place mentions of plain ``text`` without a spaCy ``Doc`` (the fast mode).

        Tokenised by a regular expression, no NER or tagger: the same rules and table
        as a ``spacy.blank`` pipeline with a sentencizer, at a fraction of the cost.
        """
        self._require_table()
        assert self.table is not None
        view = text_view(text)
        accepted, sent_spans, _ = find_mentions(
            None, self.table, self.gazetteer, self.settings, date_mentions(None, text), view
        )
        return [_to_mention(view, m, sent_spans, doc_id) for m in accepted]


def _gazetteer_file(value: str | Path) -> Path:
    """``places.npz`` of a gazetteer directory, or the file given."""
    path = Path(value).expanduser()
    return path / "places.npz" if path.is_dir() or not path.suffix else path


def _to_mention(view: Any, m: RawMention, sent_spans: list[tuple[int, int]], doc_id: str = "") -> Mention:
    start, end = view.idx[m.start], view.ends[m.end - 1]
    s0, s1 = sent_spans[m.sent] if m.sent < len(sent_spans) else (start, end)
    text = view.text
    return Mention(
        doc=doc_id,
        text=text[start:end],
        start=start,
        end=end,
        sentence=text[s0:s1],
        sent_start=s0,
        sent_end=s1,
        label=m.label,
        match=m.match,
        hint_source=m.hint_source,
    )


@Language.factory(
    COMPONENT,
    default_config={"strong_population": None, "contradict_population": 10_000, "max_words": 6, "gazetteer": ""},
    assigns=["doc._.geomap_place_data", "doc._.geomap_date_data", "doc.spans"],
    requires=["token.is_sent_start"],
)
def make_places_component(
    nlp: Language,
    name: str,
    strong_population: int | None,
    contradict_population: int,
    max_words: int,
    gazetteer: str,
) -> PlacesComponent:
    """spaCy factory of :class:`PlacesComponent` (no data is loaded here).

    ``strong_population`` None: ``settings.standalone_population``; ``gazetteer`` "": the
    gazetteer in ``settings.gazetteer_dir``, else a gazetteer directory or ``places.npz``.
    """
    return PlacesComponent(
        nlp,
        name,
        strong_population=strong_population,
        contradict_population=contradict_population,
        max_words=max_words,
        gazetteer=gazetteer,
    )


# ---------------------------------------------------------------------- pipelines
_pipelines: dict[tuple[str, str], Language] = {}
_pipe_lock = threading.Lock()


def load_pipeline(model: str | None = None, *, fast: bool = False, parser: bool = True) -> Language:
    """The spaCy pipeline with the place component, loaded once per configuration.

    Parameters
    ----------
    model
        spaCy model package or path; default ``settings.spacy_model``.
    fast
        Gazetteer-only mode: ``spacy.blank("en")`` + sentencizer + the component
        (no statistical model; ``model`` and ``parser`` are ignored).
    parser
        Keep the tagger and dependency parser (what :mod:`geomap.events` reads). With
        ``parser=False`` only the NER (and what it listens to) is loaded, plus a
        sentencizer: the cheapest pipeline that finds places, used by
        :func:`find_places`.
    """
    name = "blank:en" if fast else (model or str(settings.get("spacy_model")))
    kind = "fast" if fast else ("events" if parser else "places")
    with _pipe_lock:
        nlp = _pipelines.get((name, kind))
        if nlp is None:
            nlp = _build_pipeline(name, kind)
            _pipelines[(name, kind)] = nlp
        return nlp


def _model_config(name: str) -> Any:
    """The ``config.cfg`` of an installed model package or model directory."""
    from spacy import util

    path = Path(name)
    if not path.is_dir():
        path = util.get_package_path(name)
    cfg = path / "config.cfg"
    if not cfg.exists():
        cfg = next(path.glob("*/config.cfg"))
    return util.load_config(cfg, interpolate=False)


def ner_only_exclude(name: str) -> list[str]:
    """Components of model ``name`` that its NER does not need (for ``spacy.load``).

    The NER keeps its upstream when it listens to a shared ``tok2vec``/``transformer``.
    """
    cfg = _model_config(name)
    keep = {"ner"}
    tok2vec = cfg["components"].get("ner", {}).get("model", {}).get("tok2vec", {})
    if "Listener" in str(tok2vec.get("@architectures", "")):
        upstream = str(tok2vec.get("upstream", "*"))
        keep |= {upstream} if upstream != "*" else {"tok2vec", "transformer"}
    return [c for c in cfg["nlp"]["pipeline"] if c not in keep]


def _build_pipeline(name: str, kind: str) -> Language:
    import spacy

    if kind == "fast":
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
    else:
        try:
            exclude = ["lemmatizer"] if kind == "events" else ner_only_exclude(name)
            nlp = spacy.load(name, exclude=exclude)
        except (OSError, ImportError, StopIteration) as exc:
            raise GeomapError(
                f"spaCy model {name!r} is not installed: pip install it or set geomap.settings.spacy_model"
            ) from exc
        if kind == "places":
            nlp.add_pipe("sentencizer", first=True)
    comp = nlp.add_pipe(COMPONENT, last=True)
    comp.initialize()  # type: ignore[attr-defined]
    return nlp


# ---------------------------------------------------------------------- API
def _as_article(item: str | Article) -> Article:
    from geomap.ingest import Article, article_from_text

    if isinstance(item, Article):
        return item
    if isinstance(item, str):
        return article_from_text(item)
    raise InputError(f"expected a str or Article, got {type(item).__name__}")


def _doc_id(article: Article) -> str:
    return article.id or article.path or ""


def _mentions(doc: Doc, article_id: str) -> list[Mention]:
    return [replace(m, doc=article_id) for m in doc._.geomap_places or ()]


def find_places(text_or_article: str | Article, *, nlp: Language | None = None, fast: bool = False) -> list[Mention]:
    """Place mentions of one text or article.

    A plain string is used as is (offsets index into it); an Article's ``text`` too.
    The default pipeline has no parser (``load_pipeline(parser=False)``); ``fast=True``
    (without ``nlp``) runs :meth:`PlacesComponent.text_places`: no spaCy ``Doc`` at all.
    """
    if fast and nlp is None:
        comp = load_pipeline(fast=True).get_pipe(COMPONENT)
        if isinstance(text_or_article, str):
            return comp.text_places(text_or_article, "text")  # type: ignore[attr-defined]
        article = _as_article(text_or_article)
        return comp.text_places(article.text, _doc_id(article))  # type: ignore[attr-defined]
    nlp = nlp or load_pipeline(parser=False)
    if isinstance(text_or_article, str):
        return _mentions(nlp(text_or_article), "text")
    article = _as_article(text_or_article)
    return _mentions(nlp(article.text), _doc_id(article))


def parse(article: Article | str, *, nlp: Language | None = None) -> tuple[Doc, list[Mention]]:
    """The processed Doc (with its dependency parse) and the place mentions."""
    nlp = nlp or load_pipeline()
    art = _as_article(article) if not isinstance(article, str) else None
    text = article if isinstance(article, str) else art.text  # type: ignore[union-attr]
    doc = nlp(text)
    return doc, _mentions(doc, "text" if art is None else _doc_id(art))


def parse_many(
    articles: Iterable[Article], *, nlp: Language | None = None, n_process: int = 1, batch_size: int = 16
) -> Iterator[tuple[Article, Doc, list[Mention]]]:
    """Process articles with ``nlp.pipe``; yields ``(article, doc, mentions)`` in order.

    With ``n_process > 1`` spaCy forks workers; each loads the component's place table
    from the pipeline copy it receives.
    """
    nlp = nlp or load_pipeline()
    pairs = ((a.text, a) for a in articles)
    for doc, art in nlp.pipe(pairs, as_tuples=True, n_process=n_process, batch_size=batch_size):
        yield art, doc, _mentions(doc, _doc_id(art))

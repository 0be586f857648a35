"""Search over the shipped knowledge base: substrings, typos, synonyms, misses, odd input."""

from __future__ import annotations

import re

import pytest

from ketref.db import search_query
from ketref.domain.enums import ItemKind

pytestmark = pytest.mark.db


def _slugs(result) -> list[str]:
    return [f"{h.kind.value}/{h.slug}" for h in result.hits]


def test_substring_inside_a_word(shipped_services) -> None:
    result = shipped_services.catalogue.search("aneurys")
    assert _slugs(result)[0] == "contraindications/aneurysmal-vascular-disease"


def test_typo_is_corrected(shipped_services) -> None:
    result = shipped_services.catalogue.search("esketamnie")
    assert result.found
    assert result.corrections == {"esketamnie": "esketamine"}
    assert "spelling corrected" in result.message()


def test_brand_name_synonym(shipped_services) -> None:
    by_brand = shipped_services.catalogue.search("Ketalar", limit=50)
    assert "indications/anaesthesia" in _slugs(by_brand)


def test_abbreviation_synonym(shipped_services) -> None:
    result = shipped_services.catalogue.search("CRPS")
    assert _slugs(result)[0] == "indications/complex-regional-pain-syndrome"
    bp = shipped_services.catalogue.search("bp")
    assert "contraindications/uncontrolled-hypertension" in _slugs(bp)
    assert all("bprs" not in s for s in _slugs(bp)[:5])


def test_title_match_ranks_first_and_clinical_items_before_references(shipped_services) -> None:
    result = shipped_services.catalogue.search("dissociation")
    assert _slugs(result)[0] == "side-effects/dissociation"


def test_medication_name_finds_its_interaction(shipped_services) -> None:
    assert "interactions/benzodiazepines" in _slugs(shipped_services.catalogue.search("lorazepam"))


def test_miss_says_nothing_found(shipped_services) -> None:
    result = shipped_services.catalogue.search("hovercraft")
    assert not result.found
    assert result.message() == "Nothing found for \u201chovercraft\u201d."


@pytest.mark.parametrize("code", ["paragraph", "bullets", "callout"])
def test_a_handouts_block_types_are_not_searched_words(shipped_services, code: str) -> None:
    """The kind of a block is layout, not text: it used to match every handout's body."""
    result = shipped_services.catalogue.search(code, limit=100)
    assert not [s for s in _slugs(result) if s.startswith("handouts/")], code


@pytest.mark.parametrize("text", ["metformin", "memantine", "appendicitis", "Kawasaki disease"])
def test_miss_on_a_medicine_or_condition_is_not_no_risk(shipped_services, text: str) -> None:
    message = shipped_services.catalogue.search(text).message()
    assert message.startswith(f"Nothing found for \u201c{text}\u201d.")
    assert "not the same as \u201cno interaction\u201d or \u201cno risk\u201d" in message


def test_miss_offers_the_closest_names(shipped_services) -> None:
    result = shipped_services.catalogue.search("memantine")
    assert "clemastine" in result.suggestions  # an antihistamine the interactions list
    assert "Did you mean: " in result.message()


def test_accents_are_ignored_both_ways(shipped_services) -> None:
    catalogue = shipped_services.catalogue
    catalogue.edit_item(
        ItemKind.HANDOUT,
        "after-your-session",
        {"summary": "Después de la sesión: descanse el resto del día."},
        actor="dr-test",
    )
    # The Spanish handouts hold "sesión" in their titles and come first; the English handout,
    # which has it only in its edited summary, must follow whichever way the accents are typed.
    for text in ("sesion", "SESIÓN", "despues de la sesion: descanse", "descanse"):
        hits = {h.slug: h for h in catalogue.search(text).hits[:10]}
        assert "after-your-session" in hits, text
        assert "\ue000" in hits["after-your-session"].snippet
    marked = {h.slug: h.marked_snippet() for h in catalogue.search("sesion").hits}
    assert "[sesión]" in marked["after-your-session"]
    assert catalogue.search("dissociatión").hits[0].slug == "dissociation"


def test_typo_is_ranked_as_its_correction(shipped_services) -> None:
    catalogue = shipped_services.catalogue
    typo, right = catalogue.search("ketmaine", limit=30), catalogue.search("ketamine", limit=30)
    assert typo.corrections == {"ketmaine": "ketamine"}
    assert [h.slug for h in typo.hits] == [h.slug for h in right.hits]


def test_a_correction_typed_on_is_ranked_once_until_the_library_changes(
    shipped_services, monkeypatch
) -> None:
    """Each key of a misspelt word typed on ("esketamni", "esketamnie") is corrected to the same
    word, ranked once; a changed library ranks it again."""
    catalogue = shipped_services.catalogue
    runs = []
    real = search_query.run_search
    monkeypatch.setattr(search_query, "run_search", lambda *a: runs.append(a[1]) or real(*a))
    first = catalogue.search("esketamni", limit=30)
    second = catalogue.search("esketamnie", limit=30)
    assert first.corrections == {"esketamni": "esketamine"}
    assert second.corrections == {"esketamnie": "esketamine"}
    assert [p.folded for p in runs] == ["esketamni", "esketamine", "esketamnie"]
    assert second.hits == first.hits == catalogue.search("esketamine", limit=30).hits
    catalogue._search._key = None  # as after a content load or an edit: everything is dropped
    runs.clear()
    assert catalogue.search("esketamnie", limit=30).hits == first.hits
    assert [p.folded for p in runs] == ["esketamnie", "esketamine"]


@pytest.mark.parametrize(
    "text", ['"', "'", "*", "(", "NEAR", "a AND OR", '"bp" OR -x', "%_\\", "x" * 500, "ü"]
)
def test_fts_syntax_in_user_text_is_harmless(shipped_services, text: str) -> None:
    result = shipped_services.catalogue.search(text)
    assert result.query == text.strip()[:200]


def test_snippet_highlights_the_match(shipped_services) -> None:
    hit = shipped_services.catalogue.search("cystitis").hits[0]
    assert "[cystitis]" in hit.marked_snippet().lower()


def test_limit_is_respected(shipped_services) -> None:
    assert len(shipped_services.catalogue.search("ketamine", limit=3).hits) == 3


def test_every_kind_is_searchable(shipped_services) -> None:
    kinds = {h.kind for h in shipped_services.catalogue.search("blood pressure", limit=200).hits}
    assert {ItemKind.CONTRAINDICATION, ItemKind.SIDE_EFFECT, ItemKind.MONITORING} <= kinds


def test_a_snippet_begins_and_ends_with_whole_words() -> None:
    from ketref.db.search_query import _snippet

    body = " ".join(f"word{n:02d}" for n in range(40)) + " sudden change in vision " + "x" * 5
    body += " " + " ".join(f"tail{n:02d}" for n in range(40))
    snippet = _snippet(body, "Title", ["vision"], ["vision"])
    assert snippet.startswith("…word") and snippet.endswith("…")
    first, last = snippet[1:].split()[0], snippet[:-1].split()[-1]
    assert f" {first} " in f" {body} " and f" {last} " in f" {body} "
    assert "\ue000vision\ue001" in snippet


def test_a_snippet_keeps_fields_apart_and_ends_a_sentence_without_an_ellipsis() -> None:
    from ketref.db.search_query import _snippet

    body = "Focused medical history\nBoth drugs raise blood pressure.\nBaseline: pulse\n"
    body += "x " * 60
    snippet = _snippet(body, "Title", ["blood"], ["blood"])
    assert snippet.startswith("…history · Both drugs raise \ue000blood\ue001")
    assert "pressure. Baseline: pulse" in snippet and snippet.endswith("…")
    cut_after_a_sentence = _snippet("Raised blood pressure. " + "z" * 100, "T", ["blood"], ["b"])
    assert cut_after_a_sentence == "Raised \ue000blood\ue001 pressure."
    whole = _snippet("A sentence about blood.\n", "T", ["blood"], ["blood"])
    assert whole == "A sentence about \ue000blood\ue001."


def test_section_headings_are_kept_in_the_search_heads(shipped_services) -> None:
    from ketref.db.search_writer import stored_heads

    with shipped_services.catalogue._db.read() as session:
        heads = stored_heads(session)
    assert heads is not None
    faq = next(h for h in heads.values() if h[1] == "questions people often ask")
    assert "what does it cost, and will insurance pay?" in faq[5].split("\n")
    product = next(h for h in heads.values() if h[0] == "products" and h[5])
    assert product[5]  # a product page's context sections name their parts too


def test_one_letter_is_marked_in_snippets_only_where_a_word_starts(shipped_services) -> None:
    hits = shipped_services.catalogue.search("k", limit=60).hits
    marked = [h.marked_snippet("[", "]") for h in hits]
    assert any("[k]etamine" in m.lower() for m in marked)
    inside = [m for m in marked if re.search(r"\w\[k\]", m, re.IGNORECASE)]
    assert inside == []  # not "s[k]illed", "pea[k]s"


def test_one_or_two_letters_match_heads_at_a_word_start_never_inside_a_body(
    shipped_services,
) -> None:
    """ "aw" is in bodies ("awake", "drawn") but starts no word of a title or alias: a word being
    typed, so nothing is found (and no keystroke scans every body for two letters)."""
    catalogue = shipped_services.catalogue
    assert not catalogue.search("aw").hits
    assert catalogue.search("awake").hits  # the whole word is searched in the bodies
    assert catalogue.search("bp").hits  # an abbreviation with a meaning still finds it

from ketref.domain.document_diff import (
    MISSING,
    FieldChange,
    changes_as_dicts,
    diff_documents,
    readable_path,
)


def test_equal_documents_have_no_changes() -> None:
    doc = {"title": "A", "sections": [{"text": "x"}], "review": {"next": "2027-01-01"}}
    assert diff_documents(doc, dict(doc)) == []


def test_nested_change_reported_at_its_deepest_path() -> None:
    old = {"title": "A", "sections": [{"heading": "h", "text": "x"}, {"text": "y"}]}
    new = {"title": "A", "sections": [{"heading": "h", "text": "x"}, {"text": "z"}]}
    assert diff_documents(old, new) == [FieldChange("sections[1].text", "y", "z")]


def test_added_and_removed_fields_and_list_entries() -> None:
    old = {"a": 1, "gone": True, "list": [1, 2, 3]}
    new = {"a": 1, "list": [1, 2], "added": "new"}
    assert diff_documents(old, new) == [
        FieldChange("gone", True, MISSING),
        FieldChange("list[2]", 3, MISSING),
        FieldChange("added", MISSING, "new"),
    ]


def test_type_change_is_a_change_even_when_equal_in_python() -> None:
    assert diff_documents({"n": 1}, {"n": True}) == [FieldChange("n", 1, True)]
    assert diff_documents({"n": None}, {"n": {"x": 1}}) == [FieldChange("n", None, {"x": 1})]


def test_readable_path_counts_from_one_and_names_entries_after_their_list() -> None:
    assert readable_path("sections[2].blocks[0].text") == "Section 3 › Block 1 › Text"
    assert readable_path("classes.iv-ketamine.class") == "Classes › Iv-ketamine › Class"
    assert readable_path("review_due") == "Review due"
    assert readable_path("frequencies[1]") == "Frequency 2"
    assert readable_path("") == "Whole item"


def test_changes_as_dicts_says_which_side_lacks_the_field() -> None:
    (entry,) = changes_as_dicts(diff_documents({"a": 1}, {}))
    assert entry == {
        "path": "a",
        "field": "A",
        "old": 1,
        "new": None,
        "old_present": True,
        "new_present": False,
    }

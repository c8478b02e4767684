import pytest

from tests.blueprint_factory import check, codes, patched, to_yaml


def tag_codes(metadata):
    return [c for c in codes(check(to_yaml(patched({"metadata": metadata})))) if c[0] in {"BP020", "BP024", "BP044"}]


@pytest.mark.parametrize(
    "metadata, expected",
    [
        ({"owner": "ml-platform@example.com"}, []),
        ({"owner": "Équipe NLP: Jane + Zoë / 2"}, []),  # letters of any script, spaces, _.:/=+-@
        ({"owner": "NLP team (Jane Doe)"}, [("BP044", "metadata.owner")]),  # issue 9
        ({"owner": 'say "hi"'}, [("BP044", "metadata.owner")]),
        ({"owner": "a<b>#&c"}, [("BP044", "metadata.owner")]),
        ({"owner": "ml 🚀"}, [("BP044", "metadata.owner")]),
        ({"owner": "jane\u200bdoe"}, [("BP044", "metadata.owner")]),  # zero-width space
        ({"owner": "jane\tdoe"}, [("BP044", "metadata.owner")]),
        ({"owner": "jane\ndoe"}, [("BP044", "metadata.owner")]),
        ({"tags": {"team": "nlp"}}, []),
        ({"tags": {"team": "nlp (core)"}}, [("BP044", "metadata.tags.team")]),
        ({"tags": {"AWS:team": "nlp"}}, [("BP044", "metadata.tags.AWS:team")]),  # reserved, any case
        ({"tags": {"team": "x" * 257}}, [("BP024", "metadata.tags.team")]),
        ({"tags": {"cost center": ""}}, []),  # an empty value is allowed
    ],
)
def test_bp044(metadata, expected):
    assert tag_codes(metadata) == expected

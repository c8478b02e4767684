from tests.blueprint_factory import check, codes, patched, to_yaml


def test_same_name_in_two_files_is_an_error_on_the_second():
    text = to_yaml(patched())
    report = check(text, text, names=("a.yaml", "b.yaml"))
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP107"]
    assert diagnostic.file == "b.yaml"
    assert diagnostic.path == "metadata.name"
    assert "a.yaml:4" in diagnostic.message
    assert report.blueprints and all(b.file == "a.yaml" for b in report.blueprints)


def test_distinct_names_pass():
    first = to_yaml(patched({"metadata": {"name": "one"}}))
    second = to_yaml(patched({"metadata": {"name": "two"}}))
    assert codes(check(first, second)) == []

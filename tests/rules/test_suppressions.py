from tests.blueprint_factory import check_patch, codes


def suppress(*entries):
    return {"metadata": {"suppress": [{"rule": r, "reason": "a reason long enough"} for r in entries]}}


def test_unknown_rule_is_an_error():
    assert ("BP030", "metadata.suppress[0].rule") in codes(check_patch(suppress("BP999")))


def test_error_rules_cannot_be_suppressed():
    report = check_patch({**suppress("BP106"), "spec": {"nodes": {"min": 3, "max": 2, "desired": 3}}})
    assert ("BP031", "metadata.suppress[0].rule") in codes(report)
    assert ("BP106", "spec.nodes.min") in codes(report)


def test_unused_suppression_warns():
    assert codes(check_patch(suppress("BP110"))) == [("BP032", "metadata.suppress[0].rule")]

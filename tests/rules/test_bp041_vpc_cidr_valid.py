import pytest

from tests.blueprint_factory import check, codes, patched, to_yaml
from tests.fleet_factory import FLEET
from tests.ultracluster_factory import BASE as ULTRA


def cidr_codes(cidr, base=None):
    document = patched({"spec": {"network": {"vpc_cidr": cidr}}}, **({"base": base} if base else {}))
    return [c for c in codes(check(to_yaml(document))) if c[0] in {"BP024", "BP041", "BP042"}]


AT = "spec.network.vpc_cidr"


@pytest.mark.parametrize(
    "cidr, expected",
    [
        ("10.0.0.0/16", []),
        ("172.31.0.0/20", []),
        ("100.64.0.0/16", []),
        ("192.168.10.0/24", []),
        ("999.40.0.0/16", [("BP041", AT)]),  # issue 9: RuntimeError InvalidIpAddress in synth
        ("10.0.0.256/24", [("BP041", AT)]),
        ("010.0.0.0/16", [("BP041", AT)]),  # a leading zero is read as octal by some tools
        ("10.0.0.1/16", [("BP041", AT)]),  # host bits
        ("10.1.128.0/16", [("BP041", AT)]),
        ("127.0.0.0/16", [("BP041", AT)]),
        ("169.254.0.0/16", [("BP041", AT)]),
        ("224.0.0.0/16", [("BP041", AT)]),
        ("240.0.0.0/16", [("BP041", AT)]),
        ("0.0.0.0/16", [("BP041", AT)]),
        ("8.8.0.0/16", [("BP042", AT)]),  # public: a warning
        ("10.0.0.0/25", [("BP024", AT)]),  # the schema's /16-/24: subnets for every zone
    ],
)
def test_bp041_bp042(cidr, expected):
    assert cidr_codes(cidr) == expected


@pytest.mark.parametrize("base", [FLEET, ULTRA], ids=["fleet", "ultracluster"])
def test_every_kind_is_checked(base):
    assert cidr_codes("999.40.0.0/16", base) == [("BP041", AT)]

"""``python -m mlblueprints.review --path`` prints the rules folder for ``cfn-lint --append-rules``.

Anything else is ``mlbp review``: ``python -m mlblueprints.review cdk.out``.
"""

from __future__ import annotations

import sys

from mlblueprints.review import RULES_DIR

if __name__ == "__main__":
    if sys.argv[1:] == ["--path"]:
        print(RULES_DIR)
        sys.exit(0)
    from mlblueprints.cli import main

    sys.exit(main(["review", *sys.argv[1:]]))

#!/usr/bin/env python3
"""CDK entry point of this checkout (cdk.json): the app itself is stacks/app.py.

The wheel ships the same module as ``mlblueprints.stacks.app``.
"""

import sys

from stacks.app import main

if __name__ == "__main__":
    sys.exit(main())

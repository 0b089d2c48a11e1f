"""Run the command line as ``python -m profmon``."""

import sys

from profmon.cli import main

sys.exit(main())

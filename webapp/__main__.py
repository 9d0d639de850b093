"""``python -m webapp``: build the installable web app into dist/web."""

import sys

from .build import main

sys.exit(main())

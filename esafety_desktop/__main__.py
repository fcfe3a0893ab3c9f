"""``python -m esafety_desktop`` runs the same entry point as the ``esafety-desktop`` command."""

import sys

from esafety_desktop.app import main

sys.exit(main())

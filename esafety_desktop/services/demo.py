"""The demo school's sign-in, shown openly on the unlock screen (which reads it before the
database code loads). The school itself is built by ``esafety_desktop.demo`` from the files in
``resources/demo/``.
"""

from __future__ import annotations

DEMO_SCHOOL_NAME = "Oakfield Primary School (demo)"
DEMO_USERNAME = "demo.dsl"
# Invented school, invented records: its password is printed openly on purpose.
DEMO_PASSWORD = "Demo-Oakfield-2026"  # noqa: S105
DEMO_DISPLAY_NAME = "Alex Morgan"

"""Colours and styles shared by every window, in one place."""

ERROR_STYLE = "color: #c62828"  # a message saying what went wrong, next to the field

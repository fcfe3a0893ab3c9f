"""pyside6-uic output of forms/*.ui: regenerate with `make forms`, never edit by hand."""

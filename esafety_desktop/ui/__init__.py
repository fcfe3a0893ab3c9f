"""Qt widgets: windows, pages, wizards, dialogs and item models. Calls services; never a query."""

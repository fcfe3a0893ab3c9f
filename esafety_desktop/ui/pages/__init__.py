"""The main window's pages. Each takes the signed-in session and a way to go to another page."""

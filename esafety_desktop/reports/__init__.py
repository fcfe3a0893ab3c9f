"""PDF documents built in memory with reportlab. They take plain data and return bytes."""

"""School enrollment of school-age children."""

"""Cases: lifecycle, assignment history, notes and tasks."""

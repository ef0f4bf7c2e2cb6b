"""Appointments, courts and offices, deadlines, reminders and calendar feeds (issue 3)."""

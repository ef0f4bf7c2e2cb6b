"""Retention: households whose cases closed long ago are anonymized, after a listed warning."""

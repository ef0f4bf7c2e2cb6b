"""Release from custody: agency, type, facility, sponsor and documents received."""

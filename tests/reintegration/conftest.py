from tests.scheduling.conftest import family_case, manager, program  # noqa: F401  (shared fixtures)

from tests.scheduling.conftest import courts, family_case, manager, program  # noqa: F401  (shared fixtures)

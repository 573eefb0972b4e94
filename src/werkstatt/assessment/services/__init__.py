"""The assessment's domain layer: writes as small do_* functions (atomic), reads in results."""

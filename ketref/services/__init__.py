"""Use cases: one database session per operation; domain objects in and out, never rows."""

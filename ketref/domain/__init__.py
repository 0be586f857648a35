"""Pure domain layer: enums, content entities, typed errors. No I/O, no Qt, no SQL."""

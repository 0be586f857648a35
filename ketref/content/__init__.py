"""Reading knowledge-base files (YAML or JSON) safely into validated domain models."""

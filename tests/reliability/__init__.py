"""Reliability catalogue cases (../shared/RELIABILITY.md): DB-*, CC-*, CP-*, FS-*, PV-*."""

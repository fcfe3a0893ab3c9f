"""Use cases: one function per thing a user does. Each owns its transaction, checks the
account's permission and writes the audit entry. Results are plain dataclasses."""

"""The encrypted database, its key slots, migrations and the audit chain. No Qt here."""

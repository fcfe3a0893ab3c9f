"""Pure rules of the safeguarding domain: no Qt, no SQLAlchemy, no I/O."""

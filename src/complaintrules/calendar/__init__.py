"""Working days (bank holidays, closures, conventions) and what today is."""

"""The case, the landlord's policy and the organisation, as validated data."""

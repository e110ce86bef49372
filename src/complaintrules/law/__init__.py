"""The law as code: rules and their declarations, the shared judges, parameters, gates, and how
packs are found and trusted.
"""

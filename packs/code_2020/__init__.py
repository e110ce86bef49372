"""The Housing Ombudsman's Complaint Handling Code of July 2020, as revised in 2022.

In force until 31 March 2024. Registered through the ``complaintrules`` entry-point group.
"""

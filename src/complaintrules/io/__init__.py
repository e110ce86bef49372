"""Reading inputs: YAML and JSON files, CRM exports and their column mappings."""

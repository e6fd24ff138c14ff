"""Big-data leads: source mappings, entity resolution, leads for a case (issue #5)."""

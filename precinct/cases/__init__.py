"""Alarms (110 calls), cases, the persons in them, case property, and the quick-response figures."""

"""Deterministic synthetic demo data for the 车谷 district (Wuhan Economic & Technological Zone)."""

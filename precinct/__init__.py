"""Precinct: investigation and service platform for a district police bureau."""

__version__ = "0.1.0"

"""Core building blocks shared by every Precinct module."""

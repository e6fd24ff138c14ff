"""Video investigation: footage ingest (probe, hash, register), and later scan, search and trace."""

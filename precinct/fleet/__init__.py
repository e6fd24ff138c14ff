"""Robotaxi identification: registry, plate and fleet-number reading, sightings, AV incidents."""

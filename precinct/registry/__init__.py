"""The district registry: places, cameras, residents and officers that every capability uses."""

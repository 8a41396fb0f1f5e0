"""Geography: the 2025 communes and provinces, their build, degree of urbanisation, names, crosswalk."""

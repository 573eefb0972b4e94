"""Werkstatt: the platform on which a region's industry plans its future together."""

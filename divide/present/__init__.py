"""Presentation: style, maps, charts, interactive map, exports, the policy brief."""

"""Kecamatan and kabupaten oversight: dashboards, realisation, review comments, recaps."""

"""The read API (JSON, /api/v1): villages' plans, kecamatan summaries, commitments. See docs/api.md."""

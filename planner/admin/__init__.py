"""Kabupaten settings for admins: the year's rule set and desa lokus, the region list, the users."""

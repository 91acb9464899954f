"""Documents rendered from a commitment's frozen snapshot: the Berita Acara (page and PDF),
spreadsheets and CSV files. Builders take plain data and return plain data or bytes."""

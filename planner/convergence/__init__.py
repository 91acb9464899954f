"""The Scorecard Konvergensi Desa: a village's quarters, the form laid out like the scorecard, the XLSX template and import."""

"""Plans: reading and writing plan files (files) and the independent validator (validate)."""

"""Analyses over the loaded and classified budget lines."""

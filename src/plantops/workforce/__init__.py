"""Workforce: skills and employees."""

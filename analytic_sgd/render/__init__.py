"""Rendering: derivations and trajectories as text, Markdown, LaTeX, CSV and JSON."""

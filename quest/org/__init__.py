"""The organisation: forces, their yearly profiles and similar forces, and their divisions."""

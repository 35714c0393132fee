"""Server-rendered web pages on the FastAPI app (the NiceGUI UI comes later)."""

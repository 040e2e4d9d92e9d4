"""Demo shop content: drawn product and room photos and the demo catalog."""

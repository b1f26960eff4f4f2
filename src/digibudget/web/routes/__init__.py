"""One module per area of the dashboard; each serves an HTML page and the same data as JSON and CSV."""

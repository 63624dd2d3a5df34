"""The app's routes, one module per area; each route is thin: read input, call, render."""

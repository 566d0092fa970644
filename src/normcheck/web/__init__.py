"""`normcheck serve`: the same pipeline as the command line behind a local page (loopback only,
nothing stored). Calls only down: facts → engine → findings → report."""

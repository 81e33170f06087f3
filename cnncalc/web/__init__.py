"""The calculator in the browser: `cnncalc serve` runs ``app`` (Starlette on uvicorn).

A thin layer like the CLI: ``api`` makes the same library calls the commands make, ``app``
adds HTTP (limits, status codes, headers), ``static/`` is the page (HTML, CSS and JavaScript
written for cnncalc: no CDN, no build step, works offline). See docs/web.md.
"""

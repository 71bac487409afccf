"""`slimstage optimize`: a single-stage Python Dockerfile rewritten as a multi-stage one.

recipe (what the original does) -> builderstage / finalstage / rewrite (the text, pure) ->
survey with probe and elf (looking inside the built builder) -> classify (where each package
goes) -> optimizer (the engine work) -> verify (both images smoke-tested) -> summary (the report).
"""

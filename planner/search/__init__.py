"""Search: the bindings of the compiled core and the algorithms table (engine)
and the whole pipeline parse -> ground -> search -> validate (solve)."""

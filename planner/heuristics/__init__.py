"""Heuristics written in Python: the interface (api), the Pyperplan adapter
(pyperplan), the stored-heuristic file format (format), the static safety
check (static_check), loading classes from source (loader), their compiled
form (compile) and finding the stored heuristic of a domain (store); and
heuristics compiled to machine code (kernel, with its subset check
kernel_check and the differential check kernel_differential)."""

"""dunder: format-string field access to the subclasses list"""
_proof("attempt")
found = "{0.__class__.__mro__[1].__subclasses__}".format(())
subs = ().__class__.__mro__[1].__subclasses__()
wrap = [c for c in subs if c.__name__ == "_wrap_close"]
if wrap:
    g = wrap[0].__init__.__globals__
    try:
        g["system"]("touch $MARKER_DIR/fmt")
        g["open"]("$MARKER_DIR/fmt2", 0o101)
    except OSError:
        _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)

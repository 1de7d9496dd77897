"""limits: an endless loop in a class body (runs at import)"""
class H:
    _proof("attempt")
    while True:
        pass
    def __call__(self, state):
        return 0

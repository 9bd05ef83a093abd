"""The practice conversation: Rasa actions around the coach (actions.coach) and the peer (actions.peer).

Action classes are thin: they read the tracker, call the pure functions in this package and return
events. Every action catches its own errors and tells the trainee something friendly (see base.py).
"""

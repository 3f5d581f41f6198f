"""mdsbot conversation, routing, answering, guard and CLI.

Kept import-light on purpose: ``mdsbot check`` must start without any ML library.
"""

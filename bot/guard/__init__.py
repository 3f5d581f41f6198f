"""The guard: every response is checked against the corpus and the rules core before a user sees it.

    bot.guard.runner        Guard (review), RAIL_ORDER: the rails and their declared order
    bot.guard.rails.<name>  one module per rail, each exposing RAIL
    bot.guard.models        GuardDraft (what rails read), RailOutcome (what they return), GuardTuning
    bot.guard.parse         a response read into a GuardDraft
    bot.guard.knowledge     corpus, sentence and conflict facts, read once per corpus
    bot.guard.claims        eligibility claims and doses a sentence states
    bot.guard.instructions  instructions smuggled into a question
    bot.guard.render        a repaired draft written back as a response; the blocked response

See docs/guard.md.
"""

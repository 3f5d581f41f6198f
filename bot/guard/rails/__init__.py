"""One module per rail. Each exposes ``RAIL`` (a GuardRail); bot.guard.runner.RAIL_ORDER lists them."""

"""The engineer on site: the phone app's work list and its outbox of actions, received once each."""

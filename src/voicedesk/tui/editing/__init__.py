"""The editor's units, each with one job: its draft (`DraftKeeper`), its save with the
retry and conflict loop (`SaveFlow`), what its marks and status line show
(`StatePainter`), and the questions asked before edits are dropped or sent
(`questions`). The editor screen (`tui/screens/editor.py`) lays them out and wires them
to the keys."""

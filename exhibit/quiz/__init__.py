"""The party-knowledge quiz, without any drawing: banks, imports, draws, sessions, scoring,
storage and statistics. The kiosk and the in-scene panel (``exhibit.render.kiosk``,
``exhibit.render.quiz_panel``) are views on it.

Entry points:
- :func:`exhibit.quiz.cue.start_cue_session` and :func:`exhibit.quiz.cue.open_store`: the quiz of
  a scene's ``quiz`` cue, stored in the configured database;
- :class:`exhibit.quiz.kiosk.Kiosk`: the kiosk's screens as a state machine;
- :class:`exhibit.quiz.session.QuizSession` / :func:`exhibit.quiz.session.start_session`;
- :class:`exhibit.quiz.store.QuizStore`; :func:`exhibit.quiz.stats.analyse`;
- :func:`exhibit.quiz.importer.import_file` (GIFT, Aiken, CSV, XLSX).
"""

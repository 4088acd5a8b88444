"""The malformed corpus: every file in ``corpus/`` with what ``exhibit check`` must say.

Each file is checked inside a copy of the small content root (``tests/spec/project``),
so references to its objects, bank ``party``, hall effects and files resolve as in a
real project. ``EXPECTED`` lists, per file, every error and warning as
``(line, column, severity, words)``: the words (or each of several) must be in the
message, and no other error or warning may appear. Notes are not listed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from exhibit.cli.check import check_paths
from exhibit.spec.errors import Diagnostic, Severity
from exhibit.spec.project import Project

CORPUS = Path(__file__).parent / "corpus"
ERROR, WARNING = Severity.ERROR, Severity.WARNING

Expected = tuple[int, int, Severity, "str | tuple[str, ...]"]

EXPECTED: dict[str, list[Expected]] = {
    "hall/bad_values.yaml": [
        (3, 9, ERROR, "'walls' is not a valid value for 'mode' (did you mean 'wall'?); expected "
                      "one of: window, fullscreen, sbs, anaglyph, wall, xr, offscreen"),
        (4, 10, ERROR, "item 1 of 'size' must be at least 16, got 10"),
        (6, 32, ERROR, "'channel' must be at most 512, got 600"),
        (8, 33, ERROR, "effect 'spray' uses DMX channel 2 of universe 1, which 'mist' uses too"),
        (10, 28, ERROR, "'fps' must be at most 44, got 100"),
        (11, 26, ERROR, "'port' must be at most 65535, got 70000"),
        (12, 15, ERROR, "'simulated' is not a valid value for 'kind'; expected one of: artnet, "
                        "sacn, osc, sim"),
        (13, 19, ERROR, "'questions' must be at least 1, got 0"),
        (13, 34, ERROR, "'idle_reset' must be at least 20, got 5"),
    ],
    "hall/outputs.yaml": [
        (3, 18, ERROR, "effect 'wind' uses output 'dmxx', which is not under 'outputs' (did you "
                       "mean 'dmx'?)"),
        (4, 3, ERROR, "effect 'mist' on DMX output 'dmx' needs a 'channel' (1..512)"),
        (5, 3, ERROR, "effect 'seat' on OSC output 'osc' needs an 'address' like /seat/level"),
        (6, 32, ERROR, "'seat level' is not an OSC address; it starts with / and has no spaces or "
                       "# * , ? [ ] { }"),
        (7, 35, ERROR, "effect 'fog' on sACN output 'lights' has universe 0; sACN (E1.31) numbers "
                       "universes 1..63999"),
    ],
    "hall/schedule.yaml": [
        (3, 25, ERROR, 'the schedule ends (09:00) before it starts (17:00)'),
        (4, 12, ERROR, "'9:75' is not a time of day; write it as \"HH:MM\" in quotes, like "
                       "\"09:00\""),
        (5, 44, ERROR, "'playlist' needs at least 1 item, got 0"),
        (6, 41, ERROR, "'every' must be greater than 0, got 0"),
        (6, 69, ERROR, "'monday' is not a valid value for item 1 of 'days' (did you mean 'mon'?); "
                       "expected one of: mon, tue, wed, thu, fri, sat, sun"),
        (7, 10, ERROR, "unknown scene 'nanhu'; the scenes are: mini"),
    ],
    "hall/wall_corners.yaml": [
        (6, 16, ERROR, "wall 'front': its corners lie on one line; give ll, lr and ul of the "
                       "screen"),
        (7, 13, ERROR, "'Left' is not a valid name: use lower-case letters, digits and _, "
                       "starting with a letter (like 'left')"),
        (8, 7, ERROR, "missing required key 'ul'"),
    ],
    "hall/wall_mode_without_walls.yaml": [
        (3, 3, ERROR, "display mode 'wall' needs at least one entry under 'walls'"),
    ],
    "quiz/answer_outside_options.yaml": [
        (6, 13, ERROR, "answer 'C' is not one of the options (A..B)"),
        (13, 13, ERROR, "answer 'E' is not one of the options (A..C)"),
    ],
    "quiz/bad_fields.yaml": [
        (4, 11, ERROR, "'singel' is not a valid value for 'type' (did you mean 'single'?); "
                       "expected one of: single, multiple, truefalse"),
        (5, 17, ERROR, "'difficulty' must be at most 5, got 7"),
        (6, 13, ERROR, "'done' is not a valid value for 'status'; expected one of: draft, ready, "
                       "retired"),
        (9, 5, ERROR, "unknown key 'answr' (did you mean 'answer'?)"),
        (12, 9, ERROR, "'Boat-2' is not a valid name: use lower-case letters, digits and _, "
                       "starting with a letter (like 'boat_2')"),
        (16, 17, ERROR, "'time_limit' must be greater than 0, got -5"),
    ],
    "quiz/duplicate_ids.yaml": [
        (9, 9, ERROR, "duplicate question id 'nanhu_boat' (first used at line 3)"),
    ],
    "quiz/duplicate_options.yaml": [
        (8, 9, ERROR, "option C repeats option A (same zh text '南湖')"),
    ],
    "quiz/missing_languages.yaml": [
        (4, 11, ERROR, "the stem has no 'en' text"),
        (7, 9, ERROR, "option B has no 'en' text"),
        (9, 18, WARNING, "the explanation has no 'en' text"),
    ],
    "quiz/missing_source.yaml": [
        (3, 9, WARNING, "question 'boat' has no 'source'; say where the fact comes from"),
        (8, 9, WARNING, "question 'blank_source' has no 'source'; say where the fact comes from"),
        (8, 9, WARNING, "question 'blank_source' has no 'explanation' to show after answering"),
    ],
    "quiz/multiple_with_one_correct.yaml": [
        (7, 13, ERROR, 'a multiple-choice question needs at least 2 correct options, like [A, C]'),
        (14, 13, ERROR, 'a multiple-choice question needs at least 2 correct options, like [A, C]'),
        (14, 13, ERROR, 'the same answer letter is given twice'),
        # the two stems are the same: a bank check (exhibit/spec/overlap.py) says so too
        (12, 11, WARNING, "question 'facts_twice' asks nearly what 'facts' (line 3) asks: 100% of their "
                          "stems are the same in every language; ask about a different fact, or give "
                          "both the same 'fact' so that they are never asked together"),
    ],
    "quiz/option_count.yaml": [
        (5, 14, ERROR, 'a single-choice question needs 2 to 8 options, got 1'),
        (9, 5, ERROR, 'a single-choice question needs 2 to 8 options, got 0'),
        (16, 14, ERROR, 'at most 8 options (A..H), got 9'),
        (23, 13, ERROR, 'a single-choice answer is a letter like A, not true'),
    ],
    "quiz/questions_not_a_list.yaml": [
        (3, 3, ERROR, "'questions' must be a list, got a map"),
    ],
    "quiz/single_with_list_answer.yaml": [
        (7, 13, ERROR, "a single-choice question has one answer letter; use type: multiple for "
                       "several"),
    ],
    "quiz/truefalse_with_options.yaml": [
        (6, 5, ERROR, "a truefalse question has no options; remove 'options'"),
        (13, 13, ERROR, "a truefalse answer is true or false, got 'B'"),
    ],
    "quiz/yaml_colon_in_stem.yaml": [
        (6, 19, ERROR, "YAML syntax error: unexpected ':' here; if the ': ' is part of a text, "
                       "put the whole text in quotes (\"Note: ...\"), otherwise check the "
                       "indentation of this line"),
    ],
    "quiz/yes_no_text.yaml": [
        (6, 21, ERROR, "the en text was read as true/false: YAML takes a bare yes, no, on, off, "
                       "true or false for that; put the text in quotes"),
        (7, 21, ERROR, "the en text was read as true/false: YAML takes a bare yes, no, on, off, "
                       "true or false for that; put the text in quotes"),
    ],
    "scenes/after_end.yaml": [
        (7, 12, ERROR, 'camera key 2 resolves to 25.00 s, after the scene ends at 20.00 s'),
        # The line starts in time but ends after the scene, in each language (each at its own time).
        (9, 9, ERROR, ("the end of line 'late' resolves to",
                       " in zh, after the scene ends at 20.00 s")),
        (9, 9, ERROR, ("the end of line 'late' resolves to",
                       " in en, after the scene ends at 20.00 s")),
        (13, 10, ERROR, 'cue 1 (show) resolves to 21.00 s, after the scene ends at 20.00 s'),
    ],
    "scenes/all_in_one_run.yaml": [
        (3, 35, ERROR, "'opacity' must be at most 1, got 1.5"),
        (4, 30, ERROR, "model file 'models/tower2.glb' does not exist (did you mean "
                       "'models/tower.glb'?)"),
        (7, 11, ERROR, "don't know what '2 minutes' means: times are in seconds; write '120', or "
                       "a clock time like '1:30'"),
        (8, 11, ERROR, "line 'intro' has different marks in zh and en (only in zh: boat)"),
        (10, 40, ERROR, "unknown object 'boatt' (did you mean 'boat'?)"),
        (11, 29, ERROR, "unknown question bank 'partyy' (did you mean 'party'?)"),
    ],
    "scenes/before_start.yaml": [
        (8, 10, ERROR, 'cue 1 (show) resolves to -3.00 s, before the scene starts'),
        (11, 12, ERROR, 'camera key 1 resolves to -1.00 s, before the scene starts'),
    ],
    "scenes/camera_key_fields.yaml": [
        (5, 7, ERROR, 'give either look_at or hpr, not both'),
        (6, 7, ERROR, "missing required key 'pos' for camera key 2"),
        (7, 54, ERROR, "'inout' is not a valid value for 'ease' (did you mean 'in_out_sine'?); "
                       "expected one of: linear, in_quad, out_quad, in_out_quad, in_cubic, "
                       "out_cubic, in_out_cubic, in_out_sine"),
        (8, 42, ERROR, 'look_at takes an object id or [x, y, z], got 12'),
    ],
    "scenes/camera_order.yaml": [
        (10, 12, ERROR, "camera key 2 at 5.00 s comes before key 1 at 10.00 s; keys must be in "
                        "time order"),
        (11, 12, ERROR, "camera key 3 at 2.00 s comes before key 2 at 5.00 s; keys must be in "
                        "time order"),
    ],
    "scenes/caption_translation.yaml": [
        (2, 30, WARNING, "text object 'slogan' has no 'en' translation"),
        (4, 32, WARNING, "caption text has no 'en' translation; visitors in 'en' see the other "
                         "language"),
        (5, 66, WARNING, "title subtitle has no 'zh' translation; visitors in 'zh' see the other "
                         "language"),
    ],
    "scenes/colour_malformed.yaml": [
        (2, 17, ERROR, "'#3366' is not a colour; write '#rrggbb' or '#rrggbbaa'"),
        (2, 35, ERROR, "'red' is not a colour; write '#rrggbb' or '#rrggbbaa'"),
        (4, 30, ERROR, "expected a colour like \"#c8102e\", got a number; did you mean "
                       "\"#336699\"? (with the # and in quotes)"),
        (5, 29, ERROR, '\'#abc\' is not a colour; write all six digits: "#aabbcc"'),
        (6, 30, ERROR, "'3a3a3e' is not a colour; did you mean \"#3a3a3e\"? (with the # and in "
                       "quotes)"),
    ],
    "scenes/colour_unquoted_block.yaml": [
        (4, 11, ERROR, "expected a colour like \"#c8102e\", got nothing (an unquoted # starts a "
                       "comment in YAML: write \"#rrggbb\" in quotes)"),
    ],
    "scenes/colour_unquoted_flow.yaml": [
        (2, 30, ERROR, "YAML syntax error: an unquoted '#' starts a comment, which hides the rest "
                       "of the {...}; put the value in quotes (\"#c8102e\")"),
    ],
    "scenes/control_character.yaml": [
        (1, 18, ERROR, "the file holds a control character (U+0000) that YAML does not allow; "
                       "delete it"),
    ],
    "scenes/cycle_cues.yaml": [
        (4, 20, ERROR, 'reference cycle: rise.start -> sink.start -> rise.start'),
    ],
    "scenes/cycle_lines.yaml": [
        (3, 9, ERROR, "reference cycle: first.start -> third.end -> third.start -> second.end "
                      "-> second.start -> first.end -> first.start"),
    ],
    "scenes/cycle_scene_end.yaml": [
        (1, 11, ERROR, 'reference cycle: scene.end -> outro.end -> outro.start -> scene.end'),
    ],
    "scenes/duplicate_ids.yaml": [
        (6, 9, ERROR, "duplicate narration line id 'intro' (first used at line 4)"),
        (8, 9, ERROR, "'scene' is reserved (scene.start, scene.end); choose another id"),
        (12, 10, ERROR, "duplicate cue id 'drift' (first used at line 11)"),
        (13, 10, ERROR, "cue id 'intro' is also a narration line id; 'intro.end' would be "
                        "ambiguous"),
    ],
    "scenes/duplicate_keys.yaml": [
        (4, 3, ERROR, "duplicate key 'boat' (first given at line 3); remove one of them"),
        (5, 1, ERROR, "duplicate key 'title' (first given at line 1); remove one of them"),
    ],
    "scenes/effect_fields.yaml": [
        (2, 47, WARNING, "'follow: camera' drives motion seats; effect 'wind' ignores it"),
        (3, 47, ERROR, "'seats' is not a valid value for 'follow'; expected one of: camera"),
        (4, 46, ERROR, "'level' must be at least 0, got -0.5"),
        (4, 58, ERROR, "'fade' must be at least 0, got -1"),
    ],
    "scenes/empty.yaml": [
        (1, 1, ERROR, 'the file is empty; a scene needs at least a few keys'),
    ],
    "scenes/empty_camera_keys.yaml": [
        (2, 9, ERROR, "'keys' needs at least 1 item, got 0"),
    ],
    "scenes/empty_text.yaml": [
        (3, 25, ERROR, "line 'intro' has empty 'en' text"),
        (5, 16, ERROR, "line 'mark_only' has empty 'zh' text"),
        (5, 32, ERROR, "line 'mark_only' has empty 'en' text"),
    ],
    "scenes/extra_language_text.yaml": [
        (4, 33, WARNING, "'fr' is not in the scene's languages (zh, en); it is never played"),
    ],
    "scenes/indentation_slips.yaml": [
        (3, 8, ERROR, "'boat' is empty; write its keys below it, indented, or remove it"),
        (4, 9, ERROR, ("'kind' must be a map (key: value), got 'red_boat'",
                       "if 'kind' belongs to the item above it, indent it further")),
        (7, 10, ERROR, "expected text, or a map of languages like {zh: ..., en: ...}, got nothing"),
        (8, 5, ERROR, "unknown key 'zh'; if it belongs to 'text' (empty above it), indent it under "
                      "'text'"),
        (9, 5, ERROR, "unknown key 'en'; if it belongs to 'text' (empty above it), indent it under "
                      "'text'"),
        (14, 14, ERROR, "'duration' must be a number, got nothing (an empty value)"),
    ],
    "scenes/invalid_ids.yaml": [
        (2, 3, ERROR, "'Boat' is not a valid name: use lower-case letters, digits and _, starting "
                      "with a letter (like 'boat')"),
        (3, 3, ERROR, "'red-flag' is not a valid name: use lower-case letters, digits and _, "
                      "starting with a letter (like 'red_flag')"),
        (5, 9, ERROR, "'1st_line' is not a valid name: use lower-case letters, digits and _, "
                      "starting with a letter"),
        (8, 10, ERROR, "'Fade Out' is not a valid name: use lower-case letters, digits and _, "
                       "starting with a letter (like 'fade_out')"),
    ],
    "scenes/language_codes.yaml": [
        (1, 13, ERROR, "'ZH' is not a language code; use codes like zh or en"),
        (1, 17, ERROR, "'english' is not a language code; use codes like zh or en"),
        (4, 21, ERROR, "'EN' is not a language code; use codes like zh or en"),
        (5, 13, ERROR, "'Zh' is not a language code; use codes like zh or en"),
    ],
    "scenes/list_instead_of_map.yaml": [
        (2, 3, ERROR, "'objects' must be a map (key: value), got a list"),
        (4, 14, ERROR, "'environment' must be a map (key: value), got a list"),
        (6, 3, ERROR, "'narration' must be a list, got a map"),
    ],
    "scenes/map_instead_of_list.yaml": [
        (2, 31, ERROR, "'pos' must be [x, y, z], got a map"),
        (3, 9, ERROR, "'lake' must be a map (key: value), got a list"),
        (4, 8, ERROR, "'hill' is empty; write its keys below it, indented, or remove it"),
        (6, 41, ERROR, "'to' must be a map (key: value), got a list"),
    ],
    "scenes/mark_malformed.yaml": [
        (4, 14, ERROR, "'{mark:Boat}' is not a valid mark name: use lower-case letters, digits "
                       "and _"),
        (4, 35, ERROR, "mark 'x' appears twice in the 'zh' text of line 'intro'"),
        (5, 25, ERROR, "'{mark:Boat}' is not a valid mark name: use lower-case letters, digits "
                       "and _"),
        (5, 61, ERROR, "a bookmark in the 'en' text of line 'intro' is not closed; write "
                       "{mark:NAME}"),
    ],
    "scenes/marks_differ.yaml": [
        (4, 7, ERROR, "line 'intro' has different marks in zh and en (only in zh: meeting)"),
        (8, 7, ERROR, "line 'second' has different marks in zh and en (only in zh: founded; only "
                      "in en: found)"),
    ],
    "scenes/missing_audio_file.yaml": [
        (4, 17, ERROR, "audio file 'audio/voice/zh/intro.wav' does not exist"),
        (6, 30, ERROR, "sound file 'audio/sounds/bel.wav' does not exist (did you mean "
                       "'audio/sounds/bell.wav'?)"),
        (7, 30, ERROR, "'/usr/share/sounds/bell.wav': write sound paths relative to the content "
                       "root, without '..'"),
        (8, 30, ERROR, "'audio/sounds/bell.txt' is not a sound file; use one of .wav, .ogg, .mp3, "
                       ".flac"),
        (10, 12, ERROR, "music file 'audio/music/theme.mp3' does not exist (did you mean "
                        "'audio/music/theme.ogg'?)"),
        (12, 19, ERROR, 'the sound file name is empty'),
    ],
    "scenes/missing_kind.yaml": [
        (2, 3, ERROR, "missing 'kind': say which one this is (terrain, water, red_boat, house, "
                      "schoolhouse, flag, marchers, sailboat, trees, snow, mist, text, model, image, "
                      "panorama, video, light, hotspot, room)"),
        (5, 5, ERROR, "missing 'do': say which one this is (show, hide, move, tint, environment, "
                      "effect, caption, title, fade, sound, quiz, animate, jump, choice)"),
    ],
    "scenes/missing_model_file.yaml": [
        (2, 30, ERROR, "model file 'models/towr.glb' does not exist (did you mean "
                       "'models/tower.glb'?)"),
        (3, 31, ERROR, "a model file must end in one of .glb, .gltf, .bam, .egg, got "
                       "'models/statue.obj'"),
        (4, 31, ERROR, "'../models/bridge.glb': write model paths relative to the content root, "
                       "without '..'"),
    ],
    "scenes/missing_required.yaml": [
        (2, 3, ERROR, "missing required key 'text' for text object 'slogan'"),
        (3, 3, ERROR, "missing required key 'file' for model object 'tower'"),
        (5, 5, ERROR, "missing required key 'id'"),
        (6, 5, ERROR, "missing required key 'text' for line 'second'"),
        (8, 5, ERROR, "missing required key 'at' for this fade cue"),
        (9, 5, ERROR, "missing required key 'target' for this show cue"),
        (10, 5, ERROR, "missing required key 'color' for this tint cue"),
    ],
    "scenes/missing_text_language.yaml": [
        (4, 11, ERROR, "line 'intro' has no 'en' text; every language in 'languages' needs one"),
        (6, 11, ERROR, "line 'second' has no 'zh' text; every language in 'languages' needs one"),
    ],
    "scenes/move_and_fade.yaml": [
        (4, 41, ERROR, "'to' needs at least one of pos, hpr or scale"),
        (5, 59, ERROR, "unknown key 'spin'; allowed here: pos, hpr, scale"),
        (6, 27, ERROR, "'white' is not a valid value for 'to'; expected one of: black, clear"),
        (7, 49, ERROR, "'middle' is not a valid value for 'position'; expected one of: bottom, "
                       "top, center"),
    ],
    "scenes/not_utf8.yaml": [
        (1, 8, ERROR, "file is not UTF-8 text; save it as UTF-8 (GBK/GB18030 files must be "
                      "converted)"),
    ],
    "scenes/numbers_with_units.yaml": [
        (7, 11, ERROR, "'fade' must be a number, got '1s'; durations are plain numbers of seconds: "
                       "write 1"),
        (12, 12, ERROR, "'pos' must be [x, y, z], got '0, 0, 1'; write it in brackets: [0, 0, 1]"),
        (13, 15, ERROR, ("'duration' must be a number, got '4 seconds'",
                         "durations are plain numbers of seconds: write 4")),
    ],
    "scenes/only_comments.yaml": [
        (1, 1, ERROR, 'the file is empty; a scene needs at least a few keys'),
    ],
    "scenes/out_of_range.yaml": [
        (1, 7, ERROR, "'year' must be at least 1800, got 1492"),
        (3, 20, ERROR, "'elevation' must be at most 90, got 120"),
        (5, 35, ERROR, "'opacity' must be at most 1, got 2"),
        (6, 34, ERROR, "'count' must be at least 1, got 0"),
        (8, 46, ERROR, "'level' must be at most 1, got 3"),
        (9, 43, ERROR, "'count' must be at most 20, got 50"),
        (11, 41, ERROR, "'duck' must be at most 0, got 3"),
    ],
    "scenes/overlap.yaml": [
        # Both lines are named; the length of the overlap depends on each language's speech.
        (6, 9, ERROR, ("narration lines 'intro' (2.00 s to ",
                       "and 'boat' (from 3.00 s) overlap by",
                       " in zh")),
        (6, 9, ERROR, ("narration lines 'intro' (2.00 s to ",
                       "and 'boat' (from 3.00 s) overlap by",
                       " in en")),
    ],
    "scenes/second_document.yaml": [
        (2, 1, ERROR, "YAML syntax error: a second document ('---') starts here; a content file "
                      "holds a single document"),
    ],
    "scenes/tabs.yaml": [
        (2, 1, ERROR, "YAML syntax error: a tab character; YAML is indented with spaces, not "
                      "tabs: replace the tab with spaces"),
    ],
    "scenes/text_comma_in_flow.yaml": [
        (2, 56, ERROR, "'serve the people' was read as a separate key: a comma inside {...} ends "
                       "the text before it; put the text in quotes"),
        (4, 49, ERROR, "the 'two' text is empty; if 'two' belongs to the text before it, put that "
                       "text in quotes (a comma inside {...} ends a text)"),
    ],
    "scenes/time_syntax.yaml": [
        (7, 16, ERROR, "'intro.ned': after 'intro.' write 'start' or 'end' (did you mean 'end'?)"),
        (8, 10, ERROR, "'intro' alone is not a time; write 'intro.start', 'intro.end' or "
                       "'intro@MARK'"),
        (9, 24, ERROR, "unexpected '3' at the end of time 'intro.end + 2 3'"),
        (10, 11, ERROR, "'1:75' is not a clock time: minutes and seconds go up to 59"),
        (11, 16, ERROR, "'intro@': after '@' write the name of a bookmark from the line's text"),
        (12, 10, ERROR, "'Intro' is not a valid name: use lower-case letters, digits and _"),
        (13, 20, ERROR, "'+' needs a number of seconds after it, like 'intro.end + 1.5'"),
        (14, 10, ERROR, "'scene' has no bookmarks; use 'scene.start' or 'scene.end'"),
    ],
    "scenes/time_units.yaml": [
        (1, 14, ERROR, "don't know what '90 sec' means: times are in seconds; write '90' or '90s'"),
        (4, 9, ERROR, "don't know what '5x' means: times are in seconds; write '5' or '5s'"),
        (7, 12, ERROR, "don't know what '2 minutes' means: times are in seconds; write '120', or "
                       "a clock time like '1:30'"),
    ],
    "scenes/time_wrong_type.yaml": [
        (4, 10, ERROR, "expected a time (seconds or an expression like 'intro.end + 1'), got a "
                       "list"),
        (5, 11, ERROR, "a time cannot be empty; write seconds like '12.5' or a reference like "
                       "'intro.end'"),
        (6, 10, ERROR, "expected a time (seconds or an expression like 'intro.end + 1'), got true"),
        (7, 10, ERROR, "expected a time (seconds or an expression like 'intro.end + 1'), got a "
                       "map"),
    ],
    "scenes/top_level_list.yaml": [
        (1, 1, ERROR, "a scene must be a map of keys (like 'title: ...'), got a list"),
    ],
    "scenes/top_level_text.yaml": [
        (1, 1, ERROR, "a scene must be a map of keys (like 'title: ...'), got 'South Lake'"),
    ],
    "scenes/unknown_bank.yaml": [
        (2, 29, ERROR, "unknown question bank 'partyy' (did you mean 'party'?)"),
        (3, 29, ERROR, "unknown question bank 'history'; the banks in quiz/ are: party"),
    ],
    "scenes/unknown_cue_action.yaml": [
        (4, 17, ERROR, "unknown cue action 'shwo' (did you mean 'show'?); expected one of: show, "
                       "hide, move, tint, environment, effect, caption, title, fade, sound, quiz, animate"),
        (5, 17, ERROR, "unknown cue action 'explode'; expected one of: show, hide, move, tint, "
                       "environment, effect, caption, title, fade, sound, quiz, animate"),
    ],
    "scenes/unknown_cue_ref.yaml": [
        (5, 10, ERROR, "unknown narration line or cue 'drfit' in 'drfit.end' (did you mean "
                       "'drift'?)"),
    ],
    "scenes/unknown_effect.yaml": [
        (2, 33, ERROR, "unknown effect 'wnd' (did you mean 'wind'?)"),
        (4, 33, WARNING, "this hall has no channel for effect 'heat'; the cue is skipped when "
                         "played here"),
        (5, 33, ERROR, "'Wind' is not a valid name: use lower-case letters, digits and _, "
                       "starting with a letter (like 'wind')"),
    ],
    "scenes/unknown_key_cue.yaml": [
        (4, 23, ERROR, "unknown key 'taget' (did you mean 'target'?)"),
        (8, 5, ERROR, "unknown key 'levle' (did you mean 'level'?)"),
        (12, 5, ERROR, "unknown key 'spaeker' (did you mean 'speaker'?)"),
    ],
    "scenes/unknown_key_object.yaml": [
        (4, 5, ERROR, "unknown key 'poss' (did you mean 'pos'?)"),
        (7, 5, ERROR, "unknown key 'colour' (did you mean 'color'?)"),
        (8, 5, ERROR, "unknown key 'flavour'; allowed here: pos, hpr, scale, visible, opacity, info, "
                      "kind, size, color, waves"),
    ],
    "scenes/unknown_key_top.yaml": [
        (1, 1, ERROR, "unknown key 'titel' (did you mean 'title'?)"),
    ],
    "scenes/unknown_line_ref.yaml": [
        (7, 9, ERROR, "unknown narration line or cue 'intr' in 'intr.end' (did you mean 'intro'?)"),
        (10, 10, ERROR, "unknown narration line or cue 'nothing' in 'nothing.start'"),
        (12, 49, ERROR, "unknown narration line or cue 'outro' in 'outro.end' (did you mean "
                        "'intro'?)"),
    ],
    "scenes/unknown_mark.yaml": [
        (9, 10, ERROR, "line 'intro' has no mark 'bot' (did you mean 'boat'?); its marks are: "
                       "boat"),
        (10, 10, ERROR, "line 'second' has no mark 'end' (did you mean 'second.end'?); it has no "
                        "{mark:...} in its text"),
        (11, 10, ERROR, "unknown narration line 'third' in 'third@x'"),
    ],
    "scenes/unknown_object_kind.yaml": [
        (2, 16, ERROR, "unknown object kind 'redboat' (did you mean 'red_boat'?); expected one "
                       "of: terrain, water, red_boat, house, schoolhouse, flag, marchers, sailboat, "
                       "trees, snow, mist, text, model, image, panorama, video, light, hotspot, room"),
        (3, 16, ERROR, "unknown object kind 'mountain'; expected one of: terrain, water, "
                       "red_boat, house, schoolhouse, flag, marchers, sailboat, trees, snow, mist, "
                       "text, model, image, panorama, video, light, hotspot, room"),
    ],
    "scenes/unknown_object_ref.yaml": [
        (6, 43, ERROR, "unknown object 'bot' (did you mean 'boat'?)"),
        (8, 31, ERROR, "unknown object 'boatt' (did you mean 'boat'?)"),
        (9, 31, ERROR, "unknown object 'slogn' (did you mean 'slogan'?)"),
        (10, 61, ERROR, "unknown object 'lake'; the objects are: boat, slogan"),
        (12, 50, ERROR, "unknown object 'baot' (did you mean 'boat'?)"),
    ],
    "scenes/vector_shape.yaml": [
        (2, 31, ERROR, "'pos' must be [x, y, z] (3 numbers), got 2"),
        (3, 29, ERROR, "'size' must be [width, depth] (2 numbers), got 3"),
        (4, 27, ERROR, "'pos' must be [x, y, z] with numbers only, got 'x' in it"),
        (5, 28, ERROR, "'wind' must be [x, y], got a number"),
        (6, 31, ERROR, 'a scale must be greater than 0, got -2'),
    ],
    "scenes/wrong_types.yaml": [
        (1, 7, ERROR, "'year' must be a whole number, got 'nineteen twenty-one'"),
        (5, 14, ERROR, "'visible' must be true or false, got 'maybe'"),
        (6, 14, ERROR, "'opacity' must be a number, got 'half'"),
        (9, 12, ERROR, "'count' must be a whole number, got 1.5"),
        (11, 8, ERROR, "'fov' must be a number, got 'wide'"),
    ],
    "scenes/yaml_backslash_in_quotes.yaml": [
        # Line 2 is fine: a doubled backslash is one backslash.
        (4, 14, ERROR, ("YAML syntax error: '\\m' is not an escape that \"double quotes\" know",
                        "use 'single quotes', or / instead of \\ in file paths")),
    ],
    "scenes/yaml_braces_in_flow_text.yaml": [
        (3, 24, ERROR, "YAML syntax error: a {mark:...} inside the {...} that starts at line 3 "
                       "column 11 must be in a quoted text: write \"...{mark:NAME}...\" in "
                       "quotes, or put the text on its own line"),
    ],
    "scenes/yaml_colon_in_text.yaml": [
        (5, 15, ERROR, "YAML syntax error: unexpected ':' here; if the ': ' is part of a text, "
                       "put the whole text in quotes (\"Note: ...\"), otherwise check the "
                       "indentation of this line"),
    ],
    "scenes/yaml_indentation.yaml": [
        (4, 4, ERROR, "YAML syntax error: this line is indented differently from the lines of the "
                      "same block (from line 2 column 3); keys of one map, and the '-' items of "
                      "one list, must start at the same column"),
    ],
    "scenes/yaml_quote_inside_quotes.yaml": [
        (1, 27, ERROR, ("YAML syntax error: unexpected text after a quoted value",
                        "a quote inside a quoted text ends it early: put the text in the other "
                        "kind of quotes ('say \"hi\"')")),
    ],
    "scenes/yaml_star_value.yaml": [
        (4, 31, ERROR, ("YAML syntax error: '*boat' is read as a YAML alias (of an anchor '&boat', "
                        "and there is none)",
                        "put the text in quotes, or write it without the '*'")),
    ],
    "scenes/yaml_unclosed_bracket.yaml": [
        (2, 40, ERROR, "YAML syntax error: the [ at line 2 column 31 is closed with '}'; close it "
                       "with ']'"),
    ],
    "scenes/yaml_unclosed_quote.yaml": [
        (1, 8, ERROR, 'YAML syntax error: this quoted text is never closed; add the closing quote'),
    ],
}


def place(project: Project, name: str) -> Path:
    """Put a corpus file where its kind lives in the content root; return its new path."""
    source = CORPUS / name
    kind = Path(name).parts[0]
    target = project.root / "hall.yaml" if kind == "hall" else project.root / kind / source.name
    shutil.copyfile(source, target)
    return target


def shown(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity is not Severity.NOTE]


def matches(d: Diagnostic, line: int, column: int, severity: Severity,
            words: str | tuple[str, ...]) -> bool:
    assert d.location is not None
    parts = (words,) if isinstance(words, str) else words
    return (d.location.line, d.location.column, d.severity) == (line, column, severity) and all(
        part in d.message for part in parts
    )


def test_every_corpus_file_has_expectations() -> None:
    files = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*.yaml"))
    assert files == sorted(EXPECTED)
    assert len([f for f in files if not f.startswith("hall/")]) >= 40


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_check_reports_exactly_the_expected_diagnostics(project: Project, name: str) -> None:
    path = place(project, name)
    diagnostics, _ = check_paths(project, [str(path)])
    found = shown(diagnostics)
    for d in found:
        assert d.location is not None and d.location.line >= 1 and d.location.column >= 1, str(d)
        assert Path(d.location.path).name == path.name, str(d)
    unmatched = list(found)
    for line, column, severity, words in EXPECTED[name]:
        hit = next((d for d in unmatched if matches(d, line, column, severity, words)), None)
        listing = "\n".join(map(str, found))
        assert hit is not None, f"missing {line}:{column}: {severity}: {words!r}; found:\n{listing}"
        unmatched.remove(hit)
    assert not unmatched, "not expected:\n" + "\n".join(map(str, unmatched))

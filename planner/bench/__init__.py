"""IPC-style benchmark experiments: suites x algorithms x limits.

`planner bench` runs every (algorithm, task) pair in its own process with
enforced time and memory limits, validates every plan with our own
validator, appends one JSON line per finished run to `results.jsonl` (so an
interrupted experiment resumes where it stopped) and writes Downward Lab
`properties` plus a CSV. `planner bench report DIR` turns a results folder
into Markdown and HTML reports with plots.

Modules, one concept each:
  experiment  tasks, suites (shared IPC folders or generated sets), limits, run specs
  algorithms  algorithm names -> command lines (ours, Fast Downward, pyperplan, any command)
  parsers     planner logs -> raw statistics
  outcomes    exit codes -> Lab error names, explained or not
  runner      one isolated run: process group, limits, kill, plan validation, properties
  executors   where runs execute: local pool or Dask (submit run -> result)
  store       the results folder: experiment.json, results.jsonl, logs, plans
  properties  Lab properties JSON and the flat CSV
  scores      coverage, IPC quality and agile scores
  plots       cactus and scatter plots (matplotlib, Agg)
  environment versions, git revision, machine
  learning    the candidate table of a `planner learn` results file
  report      Markdown and HTML reports
  orchestrate run an experiment: skip recorded runs, execute the rest, record
"""

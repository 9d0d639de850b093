"""Issue 12, taskboard: store tasks with photo proof (model, statuses, transitions).

Pure rules used by the phone (for speed and offline use) and by the server (for trust):
``model`` holds the task and its derived "overdue" mark, ``transitions`` every change a
person may make and why it is refused.
"""

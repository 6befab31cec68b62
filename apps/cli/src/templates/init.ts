/** What `nova init` writes. Both files are valid as they are, so `nova plan` works right away. */

export const CASCADE_TEMPLATE = `# My Project

<!--
  A Program Nova plan. \`nova run\` runs every task below as a worker process (Claude Code by
  default), up to --max-workers at once, each as soon as the tasks it depends on are completed.

  The structure:
    # Project name          the first H1
    ## L1: <branch>         a branch of work
    ### L2: <group>         a group inside the branch; its task table follows

  A task table is a Markdown table with at least the columns "Task ID" and "Depends On".
  - Task ID: letters, digits, ".", "_" and "-" (it names the log file logs/<id>.log)
  - Task Name, What Changes: what the worker is asked to do (both go into its prompt)
  - Depends On: task IDs separated by commas; "-" or empty for none
  - Optional: Model (e.g. opus), Timeout (90s, 30m, 2h), Retries (extra attempts)
  Prose like this paragraph, and tables without a "Task ID" column, are ignored.

  Check it with \`nova validate\`, see the waves and critical path with \`nova plan\`,
  and try it without spending anything with \`nova run --agent simulated\`.
-->

## L1: Application

### L2: Foundation

| Task ID | Task Name      | What Changes                                        | Depends On |
| ------- | -------------- | --------------------------------------------------- | ---------- |
| F1      | Core types     | Define the domain types and their validation        | -          |
| F2      | Error handling | Add an error class with stable codes                | F1         |
| F3      | Configuration  | Load settings from the environment, with defaults   | F1         |

### L2: Features

| Task ID | Task Name | What Changes                                   | Depends On | Timeout | Retries |
| ------- | --------- | ---------------------------------------------- | ---------- | ------- | ------- |
| A1      | Core API  | Implement the main operations over the types   | F2, F3     | 30m     | 1       |
| A2      | Tests     | Unit tests for the operations and their errors | A1         | 20m     | -       |

## L1: Documentation

### L2: Guides

| Task ID | Task Name | What Changes                                  | Depends On |
| ------- | --------- | --------------------------------------------- | ---------- |
| D1      | README    | Describe installing, configuring and using it | A1         |
`;

export const MILESTONES_TEMPLATE = `# Milestones for CASCADE.md: \`nova run\` records each one once, when its condition first holds,
# and \`nova status\` and the dashboard show it. Used automatically when this file sits beside
# the plan (or pass --milestones <file>).
#
# Conditions (type):
#   all_tasks_completed  tasks: [ID, ...]   (omit tasks: every task of the plan)
#   percentage_complete  threshold: 1-100
#   any_task_failed
#   group_completed      group: <L2 name>, branch: <L1 name> (branch optional)
#   branch_completed     branch: <L1 name>
milestones:
  - id: foundation
    name: Foundation laid
    message: Types, errors and configuration are in.
    type: group_completed
    group: Foundation
    branch: Application
  - id: halfway
    name: Half way
    type: percentage_complete
    threshold: 50
  - id: first-failure
    name: Something failed
    message: Look at nova status for the reason and the log.
    type: any_task_failed
  - id: done
    name: All done
    type: all_tasks_completed
`;

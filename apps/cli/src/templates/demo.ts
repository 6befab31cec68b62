/** milestones.yaml for the demo plan (examples/plans/todo-api), so the demo shows milestones too. */
export const DEMO_MILESTONES = `milestones:
  - id: foundation
    name: Foundation laid
    message: Domain types, errors and the API contract are in.
    type: group_completed
    group: Foundation
    branch: Backend
  - id: halfway
    name: Half way
    type: percentage_complete
    threshold: 50
  - id: api-ready
    name: API ready
    message: The backend branch is complete.
    type: branch_completed
    branch: Backend
  - id: shipped
    name: Shipped
    message: Every task of the plan is completed.
    type: all_tasks_completed
`;

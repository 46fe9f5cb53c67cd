/** Jira's three status categories, with the ids and colours Jira gives them. */
export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

export const STATUS_CATEGORIES: Record<StatusCategoryKey, { id: number; name: string; colorName: string }> = {
  new: { id: 2, name: 'To Do', colorName: 'blue-gray' },
  indeterminate: { id: 4, name: 'In Progress', colorName: 'yellow' },
  done: { id: 3, name: 'Done', colorName: 'green' },
};

export interface WorkflowStatus {
  id: string;
  name: string;
  category: StatusCategoryKey;
}

export interface WorkflowTransition {
  id: string;
  name: string;
  /** Statuses it is offered from. */
  from: string[];
  to: string;
  /** The transition screen asks for a resolution (classic workflows' "Close Issue"). */
  requiresResolution?: boolean;
}

export interface Workflow {
  initial: string;
  statuses: WorkflowStatus[];
  transitions: WorkflowTransition[];
}

export const RESOLUTIONS = [
  { id: '10000', name: 'Done' },
  { id: '10001', name: "Won't Do" },
  { id: '10002', name: 'Duplicate' },
];

/** A company-managed software project: To Do → In Progress → In Review → Done. */
export const SOFTWARE_WORKFLOW: Workflow = {
  initial: 'To Do',
  statuses: [
    { id: '10000', name: 'To Do', category: 'new' },
    { id: '3', name: 'In Progress', category: 'indeterminate' },
    { id: '10002', name: 'In Review', category: 'indeterminate' },
    { id: '10001', name: 'Done', category: 'done' },
  ],
  transitions: [
    { id: '11', name: 'Start Progress', from: ['To Do'], to: 'In Progress' },
    { id: '21', name: 'Stop Progress', from: ['In Progress'], to: 'To Do' },
    { id: '31', name: 'Request Review', from: ['In Progress'], to: 'In Review' },
    { id: '41', name: 'Back to In Progress', from: ['In Review'], to: 'In Progress' },
    { id: '51', name: 'Done', from: ['To Do', 'In Progress', 'In Review'], to: 'Done' },
    { id: '61', name: 'Reopen', from: ['Done'], to: 'To Do' },
  ],
};

/** Jira's classic workflow, as operations projects often still have it: no "Done" transition. */
export const CLASSIC_WORKFLOW: Workflow = {
  initial: 'Open',
  statuses: [
    { id: '1', name: 'Open', category: 'new' },
    { id: '3', name: 'In Progress', category: 'indeterminate' },
    { id: '6', name: 'Closed', category: 'done' },
  ],
  transitions: [
    { id: '4', name: 'Start Progress', from: ['Open'], to: 'In Progress' },
    { id: '301', name: 'Stop Progress', from: ['In Progress'], to: 'Open' },
    { id: '2', name: 'Close Issue', from: ['Open', 'In Progress'], to: 'Closed', requiresResolution: true },
    { id: '3', name: 'Reopen Issue', from: ['Closed'], to: 'Open' },
  ],
};

/**
 * The workflow with one transition named differently, e.g. a software workflow whose "Done" is
 * called "Close": the statuses stay, so issues seeded for the original still fit.
 */
export function renameTransition(workflow: Workflow, from: string, to: string): Workflow {
  if (!workflow.transitions.some((t) => t.name === from)) throw new Error(`the workflow has no transition ${from} (it has ${workflow.transitions.map((t) => t.name).join(', ')})`);
  return { ...workflow, transitions: workflow.transitions.map((t) => (t.name === from ? { ...t, name: to } : t)) };
}

export function statusOf(workflow: Workflow, name: string): WorkflowStatus {
  const status = workflow.statuses.find((s) => s.name === name);
  if (!status) throw new Error(`the workflow has no status ${name} (it has ${workflow.statuses.map((s) => s.name).join(', ')})`);
  return status;
}

export function transitionsFrom(workflow: Workflow, status: string): WorkflowTransition[] {
  return workflow.transitions.filter((t) => t.from.includes(status));
}

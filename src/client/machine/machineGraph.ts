/**
 * The states and transitions of a machine, read from its definition. The statechart panel, the
 * Mermaid export and the coverage check all draw from this, so none can drift from the code.
 */
import type { AnyStateMachine } from 'xstate';

type StateNodeLike = AnyStateMachine['root'];
type TransitionLike = ReturnType<StateNodeLike['transitions']['get']> extends (infer T)[] | undefined ? T : never;

export interface ChartState {
  /** Unique id, e.g. `call.active.room`. */
  id: string;
  /** The key within its parent, e.g. `room`. */
  key: string;
  /** The dotted path from the root, as in `document.body.dataset.callState`, e.g. `active.room`. */
  path: string;
  parentId: string | null;
  childIds: string[];
  /** The child entered by default, for compound states. */
  initialId: string | null;
  /** Whether the children are parallel regions, all active at once. */
  parallel: boolean;
}

export interface ChartTransition {
  /** `source id:event:index`, the same for any copy of the machine (e.g. after `.provide()`). */
  id: string;
  sourceId: string;
  event: string;
  /** The event as people read it: a timer `xstate.after.iceGrace.call.…` reads `after iceGrace`; an eventless transition, `always`. */
  label: string;
  /** Empty for a transition that only runs actions and stays in the state. */
  targetIds: string[];
  guard: string | null;
}

export interface MachineGraph {
  rootId: string;
  states: Map<string, ChartState>;
  transitions: ChartTransition[];
  /** Every event type some state accepts, in the order first met. */
  events: string[];
}

/** The id of a transition definition, as used in `ChartTransition.id`. */
export function transitionId(transition: TransitionLike): string {
  // Eventless (`always`) transitions have the empty event type and live apart from the others.
  const siblings = (transition.eventType === '' ? transition.source.always : transition.source.transitions.get(transition.eventType)) ?? [];
  return `${transition.source.id}:${transition.eventType}:${siblings.indexOf(transition)}`;
}

function guardName(guard: unknown): string | null {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && guard !== null && 'type' in guard) return String(guard.type);
  return guard ? 'guard' : null;
}

/** XState names a delayed transition's event `xstate.after.<delay>.<state id>`. */
function eventLabel(event: string, stateId: string): string {
  const prefix = 'xstate.after.';
  const suffix = `.${stateId}`;
  return event.startsWith(prefix) && event.endsWith(suffix) ? `after ${event.slice(prefix.length, -suffix.length)}` : event;
}

export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const states = new Map<string, ChartState>();
  const transitions: ChartTransition[] = [];
  const events = new Set<string>();

  const visit = (node: StateNodeLike, parentId: string | null) => {
    const children = Object.values(node.states) as StateNodeLike[];
    states.set(node.id, {
      id: node.id,
      key: node.key,
      path: node.path.join('.'),
      parentId,
      childIds: children.map((child) => child.id),
      initialId: node.type === 'compound' ? (node.initial.target[0]?.id ?? null) : null,
      parallel: node.type === 'parallel',
    });
    for (const [event, list] of node.transitions) {
      events.add(event);
      for (const transition of list) {
        transitions.push({
          id: transitionId(transition),
          sourceId: node.id,
          event,
          label: eventLabel(event, node.id),
          targetIds: (transition.target ?? []).map((target: StateNodeLike) => target.id),
          guard: guardName(transition.guard),
        });
      }
    }
    for (const transition of node.always ?? []) {
      transitions.push({
        id: transitionId(transition),
        sourceId: node.id,
        event: '',
        label: 'always',
        targetIds: (transition.target ?? []).map((target: StateNodeLike) => target.id),
        guard: guardName(transition.guard),
      });
    }
    for (const child of children) visit(child, node.id);
  };
  visit(machine.root, null);
  return { rootId: machine.root.id, states, transitions, events: [...events] };
}

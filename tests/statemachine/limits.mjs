// Step Functions' hard limits, which no Catch handles, and what an execution run by aws-local-stepfunctions
// spent of them. aws-local-stepfunctions enforces none of them, so the tests measure each execution here and
// assert a margin (docs/aws-facts.md, "Step Functions' hard limits").
import assert from 'node:assert/strict';

/** Events in one execution's history (Step Functions service quotas). */
export const HISTORY_EVENTS_LIMIT = 25_000;
/** Bytes (UTF-8) of an execution's or a state's input, output or task parameters (Step Functions service quotas). */
export const PAYLOAD_LIMIT_BYTES = 262_144;
/** Characters of a failed execution's cause (Step Functions API reference, `ExecutionFailedEventDetails.cause`). */
export const CAUSE_LIMIT_CHARS = 32_768;
/** Characters of a failed execution's error name (`ExecutionFailedEventDetails.error`). */
export const ERROR_LIMIT_CHARS = 256;
/** What a test allows itself of each limit: a change that eats the margin fails a test. */
export const MARGIN = 0.8;

export const bytes = (value) => Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value ?? null), 'utf8');

/** Every state of a definition by name, the states of Map item processors included. */
export function statesOf(definition) {
  const states = {};
  const collect = (level) => {
    for (const [name, state] of Object.entries(level)) {
      states[name] = state;
      if (state.ItemProcessor) collect(state.ItemProcessor.States);
    }
  };
  collect(definition.States);
  return states;
}

/**
 * History events Step Functions records for a state that is entered once: a Task its Entered, Scheduled,
 * Started, Succeeded or Failed and Exited events (a `.sync` task also TaskSubmitted); a Map its Entered,
 * MapStateStarted, MapStateSucceeded and Exited; every other state its Entered and Exited
 * (GetExecutionHistory's `HistoryEventType` list; docs/aws-facts.md, "Step Functions' hard limits").
 */
export function eventsOfState(state) {
  if (state.Type === 'Task') return 5 + (String(state.Resource).endsWith('.sync:2') ? 1 : 0);
  if (state.Type === 'Map') return 4;
  if (state.Type === 'Fail') return 1;
  return 2;
}

/**
 * The execution's measures from aws-local-stepfunctions' event log: history events as Step Functions would
 * record them (each state entered by the rules of `eventsOfState`, each retry again as a Task's scheduled,
 * started and failed events, each Map iteration its started and succeeded events, and the execution's start and
 * end), state transitions, and the largest input, output or task parameters any state had, in bytes.
 */
export function measure(definition, log) {
  const states = statesOf(definition);
  let events = 2;
  let transitions = 0;
  let largest = 0;
  let largestAt = '';
  const keep = (value, where) => {
    if (value === undefined) return;
    const size = bytes(value);
    if (size > largest) [largest, largestAt] = [size, where];
  };
  for (const entry of log) {
    if (entry.type === 'StateEntered') {
      const state = states[entry.state.name];
      transitions += 1;
      events += eventsOfState(state);
      keep(entry.state.input, `${entry.state.name} input`);
    } else if (entry.type === 'StateRetried') {
      events += 3;
    } else if (entry.type === 'MapIterationStarted' || entry.type === 'MapIterationSucceeded' || entry.type === 'MapIterationFailed') {
      events += 1;
    } else if (entry.type === 'StateExited') {
      keep(entry.state.output, `${entry.state.name} output`);
    }
  }
  return { events, transitions, largest, largestAt };
}

/** Asserts that `used` is under MARGIN of `limit`, and returns the share used. */
export function assertMargin(what, used, limit) {
  const share = used / limit;
  assert.ok(share < MARGIN, `${what}: ${used} of ${limit} (${(share * 100).toFixed(1)}%), over ${MARGIN * 100}%`);
  return share;
}

/** Collects an execution's event log while it runs: `const log = collect(execution); await log.done`. */
export function collect(execution) {
  const log = [];
  log.done = (async () => {
    for await (const event of execution.eventLogs) log.push(event);
  })();
  return log;
}

/** The states a state can go to next: Next, Default, each Choice's Next, each Catch's Next. */
export function successors(state) {
  return [state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next), ...(state.Catch ?? []).map((c) => c.Next)].filter(Boolean);
}

/**
 * The most history events any path from `start` to an end can record, through states that do not loop (each
 * state once), with `extra(name, state)` events added per state (retries, say). Loops are cut: a state already
 * on the path is not entered again; callers multiply the loop's own count.
 */
export function longestPath(states, start, extra = () => 0, stop = new Set()) {
  const walk = (name, seen) => {
    if (!name || seen.has(name) || stop.has(name)) return 0;
    const state = states[name];
    const next = new Set(seen).add(name);
    const own = eventsOfState(state) + extra(name, state);
    return own + Math.max(0, ...successors(state).map((s) => walk(s, next)));
  };
  return walk(start, new Set());
}

/** Events of every retry a state allows, spent: each retry records a Task's scheduled, started and failed events. */
export const retriesSpent = (name, state) => 3 * (state.Retry ?? []).reduce((sum, r) => sum + (r.MaxAttempts ?? 3), 0);

// The state machines as SAM deploys them (DefinitionSubstitutions applied), made runnable by
// aws-local-stepfunctions, which has no JSONata: each JSONata Pass state (in a Map's ItemProcessor too) becomes
// a Task whose local handler evaluates the state's own `Output` expressions with the jsonata library, binding
// `$states.input` and `$states.context` as Step Functions does, and the function Step Functions adds that the
// definitions use ($parse). The expressions under test are the definitions' own.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsonata from 'jsonata';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFINITION_FILE = path.join(ROOT, 'statemachine/assessment.asl.json');
export const FLEET_DEFINITION_FILE = path.join(ROOT, 'statemachine/fleet.asl.json');

/**
 * What template.yaml substitutes, with the template's defaults: VerdictEventSource is the stack's name (samconfig.toml's
 * `dms-assessment-run`); StartTaskWhenAllowed and StartReplicationTaskType are what StartTaskAfterVerdict `none` gives.
 */
export const DEFAULTS = {
  AssessmentRunFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:dms-assessment-run',
  VerdictFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:dms-assessment-verdict',
  MaxWaitSeconds: '7200',
  PollIntervalSeconds: '60',
  VerdictEventSource: 'dms-assessment-run',
  NotificationTopicArn: '',
  WarningsBlock: 'false',
  StartTaskWhenAllowed: 'false',
  StartReplicationTaskType: 'start-replication',
  // Monitoring on (the default): one data point per verdict in the stack's namespace.
  PutMetrics: 'true',
  MetricNamespace: 'DmsPremigrationAssessment/dms-assessment-run',
};

/** What template.yaml substitutes in the fleet state machine, with the template's defaults (VerdictEventSource: the stack's name). */
export const FLEET_DEFAULTS = {
  AssessmentStateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:AssessmentStateMachine-abc',
  FleetConcurrency: '5',
  ResultsBucket: 'dms-assessment-results-123456789012',
  ReportPrefix: 'fleet-reports/',
  VerdictEventSource: 'dms-assessment-run',
  PutMetrics: 'true',
  MetricNamespace: 'DmsPremigrationAssessment/dms-assessment-run',
};

/** The definition text with `${Name}` replaced, as SAM's DefinitionSubstitutions do. */
export function substituted(values = {}, file = DEFINITION_FILE) {
  let text = readFileSync(file, 'utf8');
  const defaults = file === FLEET_DEFINITION_FILE ? FLEET_DEFAULTS : DEFAULTS;
  for (const [name, value] of Object.entries({ ...defaults, ...values })) text = text.replaceAll(`\${${name}}`, value);
  const left = text.match(/\$\{[A-Za-z]+\}/);
  if (left) throw new Error(`no substitution for ${left[0]}`);
  return text;
}

// Step Functions' own JSONata function $parse ("Transforming data with JSONata in Step Functions"): a JSON
// string's value.
const STEP_FUNCTIONS_FUNCTIONS = {
  parse: (text) => JSON.parse(text),
};

async function evaluate(template, bindings) {
  if (typeof template === 'string') {
    const expression = template.match(/^\{%(.*)%\}$/s);
    return expression ? jsonata(expression[1]).evaluate(null, bindings) : template;
  }
  if (Array.isArray(template)) return Promise.all(template.map((t) => evaluate(t, bindings)));
  if (template && typeof template === 'object') {
    const entries = await Promise.all(Object.entries(template).map(async ([k, v]) => [k, await evaluate(v, bindings)]));
    // JSONata leaves out a member whose expression yields nothing.
    return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
  }
  return template;
}

/**
 * `{ definition, jsonataHandlers(context) }`: the runnable definition, and for a given context object the
 * local handlers of its JSONata Pass states.
 */
export function runnable(values = {}, file = DEFINITION_FILE) {
  const definition = JSON.parse(substituted(values, file));
  const outputs = {};
  const emulate = (states) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.ItemProcessor) emulate(state.ItemProcessor.States);
      if (state.QueryLanguage !== 'JSONata') continue;
      if (state.Type !== 'Pass') throw new Error(`${name}: only JSONata Pass states are emulated`);
      // Local handlers are found by state name, nested states included.
      if (name in outputs) throw new Error(`${name}: two JSONata states of that name`);
      outputs[name] = state.Output;
      const task = { Type: 'Task', Resource: 'arn:aws:states:::jsonata:pass' };
      for (const key of ['Comment', 'Next', 'End']) if (key in state) task[key] = state[key];
      states[name] = task;
    }
  };
  emulate(definition.States);
  const jsonataHandlers = (context) =>
    Object.fromEntries(
      Object.entries(outputs).map(([name, output]) => [
        name,
        // Plain JSON, as Step Functions passes it on.
        async (input) => JSON.parse(JSON.stringify(await evaluate(output, { states: { input, context }, ...STEP_FUNCTIONS_FUNCTIONS }))),
      ]),
    );
  return { definition, jsonataHandlers };
}

// The PutMetricData request as the CloudWatch API model defines it (botocore's
// `data/cloudwatch/2010-08-01/service-2.json`, installed in .tools/ with SAM CLI): a request the state machines
// send is checked member by member against the model's shapes (structure members and required ones, list and
// string lengths, patterns, enums, numbers), so that a misspelt member or a value out of range fails a test here
// rather than the task in an account.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ROOT } from './definition.mjs';

function modelFile() {
  const lib = path.join(ROOT, '.tools/venv/lib');
  const python = existsSync(lib) ? readdirSync(lib).find((d) => d.startsWith('python')) : undefined;
  const dir = python && path.join(lib, python, 'site-packages/botocore/data/cloudwatch/2010-08-01');
  for (const name of ['service-2.json.gz', 'service-2.json']) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  throw new Error('botocore\'s CloudWatch model not found under .tools/venv (scripts/test installs it with SAM CLI)');
}

let model;
export function cloudWatchModel() {
  if (!model) {
    const file = modelFile();
    const bytes = readFileSync(file);
    model = JSON.parse((file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
  }
  return model;
}

/** Problems of `value` as the model's shape `shapeName` (an empty list when it conforms). */
export function problems(shapeName, value, where = shapeName) {
  const shape = cloudWatchModel().shapes[shapeName];
  const found = [];
  switch (shape.type) {
    case 'structure': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${where}: not an object`];
      for (const name of shape.required ?? []) if (!(name in value)) found.push(`${where}.${name}: required`);
      for (const [name, member] of Object.entries(value)) {
        if (!shape.members[name]) found.push(`${where}.${name}: not a member of ${shapeName}`);
        else found.push(...problems(shape.members[name].shape, member, `${where}.${name}`));
      }
      break;
    }
    case 'list':
      if (!Array.isArray(value)) return [`${where}: not a list`];
      if (shape.min !== undefined && value.length < shape.min) found.push(`${where}: fewer than ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max) found.push(`${where}: more than ${shape.max}`);
      value.forEach((item, i) => found.push(...problems(shape.member.shape, item, `${where}[${i}]`)));
      break;
    case 'string':
      if (typeof value !== 'string') return [`${where}: not a string`];
      if (shape.min !== undefined && value.length < shape.min) found.push(`${where}: shorter than ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max) found.push(`${where}: longer than ${shape.max}`);
      if (shape.pattern && !new RegExp(`^(?:${shape.pattern})$`, 's').test(value)) found.push(`${where}: does not match ${shape.pattern}`);
      if (shape.enum && !shape.enum.includes(value)) found.push(`${where}: ${value} is not one of ${shape.enum.join(', ')}`);
      break;
    case 'double':
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isFinite(value)) found.push(`${where}: not a number`);
      else if (shape.type !== 'double' && !Number.isInteger(value)) found.push(`${where}: not an integer`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') found.push(`${where}: not a boolean`);
      break;
    case 'timestamp':
      if (typeof value !== 'string' && typeof value !== 'number') found.push(`${where}: not a timestamp`);
      break;
    default:
      found.push(`${where}: shape type ${shape.type} not checked`);
  }
  return found;
}

/** Asserts that `request` is a PutMetricData request the API accepts, as its model defines it. */
export function assertPutMetricDataRequest(request) {
  const input = cloudWatchModel().operations.PutMetricData.input.shape;
  assert.deepEqual(problems(input, request), [], JSON.stringify(request));
  // The API reference: "You cannot specify a namespace that begins with 'AWS/'".
  assert.ok(!request.Namespace.startsWith('AWS/'), request.Namespace);
}

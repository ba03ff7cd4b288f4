/**
 * The JSON Schema of `ocfkit cib gen`'s YAML input (draft-07, what editors' YAML plugins read).
 * `cluster.schema.json` beside this file is this object, written out for editors
 * (`# yaml-language-server: $schema=…/cluster.schema.json`); a test keeps the two equal.
 */

const scalar = { type: ['string', 'number', 'boolean'] };
const pairs = { type: 'object', additionalProperties: scalar, description: 'name: value pairs' };
const score = {
  description: 'a score (an integer, INFINITY or -INFINITY)',
  anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^([+-]?[0-9]+|[+-]?(INFINITY|inf|infinity|INF))$' }],
};
const id = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$', description: "ASCII letters, digits, '_', '-', '.'" };
const role = { enum: ['Started', 'Stopped', 'Promoted', 'Unpromoted', 'Master', 'Slave'] };

export const clusterSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://ocfkit.dev/schema/cluster.schema.json',
  title: 'ocfkit cluster configuration (ocfkit cib gen)',
  type: 'object',
  additionalProperties: false,
  properties: {
    nodes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', pattern: '^\\S+$', description: 'the node name (uname)' },
          id: { type: ['string', 'integer'], description: "the node id (corosync's nodeid); default: its position, from 1" },
          type: { enum: ['member', 'remote', 'ping'] },
          attributes: pairs,
          utilization: pairs,
        },
      },
    },
    properties: { ...pairs, description: 'cluster options (crm_config)' },
    rsc_defaults: { ...pairs, description: 'resource defaults (meta attributes)' },
    op_defaults: { ...pairs, description: 'operation defaults' },
    resources: { type: 'array', items: { $ref: '#/definitions/resource' } },
    constraints: { type: 'array', items: { $ref: '#/definitions/constraint' } },
  },
  definitions: {
    primitive: {
      type: 'object',
      additionalProperties: false,
      required: ['primitive', 'agent'],
      properties: {
        primitive: id,
        agent: { type: 'string', pattern: '^[^:\\s]+(:[^:\\s]+){0,2}$', description: 'class:provider:type, e.g. ocf:heartbeat:IPaddr' },
        params: pairs,
        meta: pairs,
        utilization: pairs,
        ops: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name'],
            properties: { name: { type: 'string' }, interval: { type: ['string', 'integer'] } },
            additionalProperties: scalar,
          },
        },
      },
    },
    group: {
      type: 'object',
      additionalProperties: false,
      required: ['group', 'resources'],
      properties: { group: id, meta: pairs, resources: { type: 'array', minItems: 1, items: { $ref: '#/definitions/primitive' } } },
    },
    clone: {
      type: 'object',
      additionalProperties: false,
      required: ['clone', 'resource'],
      properties: {
        clone: id,
        meta: pairs,
        resource: { oneOf: [{ $ref: '#/definitions/primitive' }, { $ref: '#/definitions/group' }] },
      },
    },
    promotable: {
      type: 'object',
      additionalProperties: false,
      required: ['promotable', 'resource'],
      properties: {
        promotable: id,
        meta: pairs,
        resource: { oneOf: [{ $ref: '#/definitions/primitive' }, { $ref: '#/definitions/group' }] },
      },
    },
    resource: {
      oneOf: [
        { $ref: '#/definitions/primitive' },
        { $ref: '#/definitions/group' },
        { $ref: '#/definitions/clone' },
        { $ref: '#/definitions/promotable' },
      ],
    },
    rule: {
      type: 'object',
      additionalProperties: false,
      required: ['expression'],
      properties: {
        id,
        score,
        role,
        expression: { type: 'string', description: 'crm shell syntax: "ATTR OP VALUE", "defined ATTR", joined by and / or' },
      },
    },
    location: {
      type: 'object',
      additionalProperties: false,
      required: ['location'],
      properties: {
        location: { ...id, description: 'the resource' },
        id,
        node: { type: 'string' },
        score,
        rules: { type: 'array', minItems: 1, items: { $ref: '#/definitions/rule' } },
      },
    },
    colocation: {
      type: 'object',
      additionalProperties: false,
      required: ['colocation', 'with', 'score'],
      properties: { colocation: id, with: id, score, id, role, 'with-role': role },
    },
    order: {
      type: 'object',
      additionalProperties: false,
      required: ['order', 'then'],
      properties: {
        order: { ...id, description: 'the resource that comes first' },
        // biome-ignore lint/suspicious/noThenProperty: the YAML field is named "then"
        then: id,
        id,
        kind: { enum: ['Mandatory', 'Optional', 'Serialize'] },
        'first-action': { enum: ['start', 'stop', 'promote', 'demote'] },
        'then-action': { enum: ['start', 'stop', 'promote', 'demote'] },
        symmetrical: { type: 'boolean' },
      },
    },
    constraint: {
      oneOf: [{ $ref: '#/definitions/location' }, { $ref: '#/definitions/colocation' }, { $ref: '#/definitions/order' }],
    },
  },
} as const;

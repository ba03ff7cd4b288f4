/**
 * The controllers `ocfkit node start --controller NAME` can run. The default is `crmd`, the
 * engine's controller (engine/src/crmd): it runs the agents through the executor.
 */
import { startController } from '../crmd/shell.js';
import { type ControllerFactory, noController } from './controller.js';
import { simulatedController } from './simulated-controller.js';

/** The engine's controller in the daemon's slot. */
const crmdController: ControllerFactory = (ctx) => startController({ ...ctx, log: ctx.log.child('controller') });

export const CONTROLLERS: Record<string, { factory: ControllerFactory; summary: string }> = {
  crmd: { factory: crmdController, summary: 'the controller: schedules, runs the agents, records results (default)' },
  simulate: { factory: simulatedController, summary: 'records every scheduled action as succeeded without running agents' },
  none: { factory: noController, summary: 'no controller: keeps the CIB and attributes, runs nothing' },
};

export const DEFAULT_CONTROLLER = 'crmd';

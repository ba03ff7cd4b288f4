/**
 * The controllers `ocfkit node start --controller NAME` can run. Until the real controller
 * (engine/src/crmd) is wired in here, the default is `none` (temporary: the daemon keeps the CIB
 * and attributes but runs no resources).
 */
import { type ControllerFactory, noController } from './controller.js';
import { simulatedController } from './simulated-controller.js';

export const CONTROLLERS: Record<string, { factory: ControllerFactory; summary: string }> = {
  none: { factory: noController, summary: 'no controller (temporary default): keeps the CIB and attributes, runs nothing' },
  simulate: { factory: simulatedController, summary: 'records every scheduled action as succeeded without running agents' },
};

export const DEFAULT_CONTROLLER = 'none';

/**
 * The bundled engine's node attributes: a store with Pacemaker-like dampening, persisted, served
 * on a local socket for agents (the SDK's `ocfkitAttributes` backend) and `ocfkit attr`.
 *
 * @example
 * import { startAttrd } from '@ocfkit/engine';
 */

export { loadAttributes, privateDir, saveAttributes } from './persist';
export { type Attrd, type AttrdOptions, startAttrd } from './server';
export { AttributeStore, type CommitEvent, type UpdateResult } from './store';

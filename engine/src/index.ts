export * from './attrd/index';
export * from './cib/index';
export * from './core/index';
export * from './fencing/index';
export * from './lrmd/index';
export * from './membership/index';
export * from './node/index';
export * from './pcmk/index';

export * from './attrd/index';
export * from './cib/index';
export * from './core/index';
export * from './fencing/index';
export * from './lrmd/index';
